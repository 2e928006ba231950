/**
 * The operations not yet stored by the server, in order: those sent and awaiting their
 * acknowledgement ("in flight"), then those not sent yet. Unsent operations live in memory
 * until the queue grows past its bound or the link is lost; from then on they live in the
 * spool file (with the in-flight ones, so a lost link can resend them) and memory holds only a
 * small read-ahead, until everything in the file has been stored and the file is emptied.
 */
import { opPoints, opSize, type Op } from './ops.js';
import type { Spool } from './Spool.js';

/** Counts of operations not yet stored. */
export interface PendingCounts {
  /** Operations of any kind. */
  ops: number;
  /** Log batches among them. */
  batches: number;
  /** Metric points in those batches. */
  points: number;
}

/** How many ops the read-ahead takes from the spool at a time. */
const READ_AHEAD = 64;

/** The ordered queue of unstored operations. */
export class Outbox {
  private nextN = 1;
  private readonly inflight: Op[] = [];
  private queue: Op[] = [];
  private head = 0;
  private queuedBytes = 0;
  private spool: Spool | null = null;
  private spooling = false;
  /** Ops stored while copies of them may still be read back from the spool (after a rewind). */
  private readonly doneSet = new Set<number>();
  private waiters: Array<{ n: number; resolve: () => void }> = [];
  /** A spool is being opened: until it is attached, the queue may outgrow its bound instead of dropping. */
  spoolExpected = false;
  /** Operations not stored yet. */
  readonly pending: PendingCounts = { ops: 0, batches: 0, points: 0 };

  /**
   * @param maxQueuedBytes memory the unsent queue may hold before it spills to the spool
   * @param onDrop called with an op that cannot be kept (no spool and the queue is full, or the
   *   spool file cannot be written), or with null when the spool failed and is given up
   */
  constructor(
    private readonly maxQueuedBytes: number,
    private readonly onDrop: (op: Op | null, code: 'QUEUE_FULL' | 'SPOOL_FAILED', message: string) => void,
  ) {}

  /** The spool cannot be written (no permission, disk full): stop using it, never throw at the caller. */
  private spoolFailed(err: unknown): void {
    const spool = this.spool;
    this.spool = null;
    this.spoolExpected = false;
    try {
      spool?.close();
    } catch {
      // it failed already
    }
    this.onDrop(null, 'SPOOL_FAILED', `The spool file cannot be written (${(err as Error).message}); unsent operations stay in memory.`);
  }

  /** The number the next op will get. */
  get lastNumber(): number {
    return this.nextN - 1;
  }

  /** Number of ops sent and not yet acknowledged. */
  get inflightCount(): number {
    return this.inflight.length;
  }

  /** The spool file while it holds operations, else null. */
  get spoolFile(): string | null {
    return this.spooling && this.spool ? this.spool.file : null;
  }

  /** Gives the outbox a spool to spill to (from then on the queue is bounded by disk, not memory). */
  attachSpool(spool: Spool, mayOverflow: boolean): void {
    this.spool = spool;
    if (mayOverflow && this.queuedBytes > this.maxQueuedBytes) this.spill();
  }

  /** Numbers an op and queues it (ops without a number, i.e. new ones, get the next). */
  push(op: Op, keepNumber = false): void {
    if (!keepNumber) op.n = this.nextN++;
    else this.nextN = Math.max(this.nextN, op.n + 1);
    if (this.spooling) {
      try {
        this.spool!.append([op]);
      } catch (err) {
        // behind what the file holds, memory cannot take it without breaking the order
        this.onDrop(op, 'SPOOL_FAILED', `Dropped: the spool file cannot be written (${(err as Error).message}).`);
        return;
      }
    } else {
      const size = opSize(op);
      if (this.queuedBytes + size > this.maxQueuedBytes && !this.spool && !this.spoolExpected && op.k === 'log') {
        this.onDrop(op, 'QUEUE_FULL', `Dropped: the server is unreachable and the queue holds ${this.maxQueuedBytes} bytes already (no spool here).`);
        return;
      }
      this.queue.push(op);
      this.queuedBytes += size;
      if (this.queuedBytes > this.maxQueuedBytes && this.spool) this.spill();
    }
    this.pending.ops++;
    if (op.k === 'log') {
      this.pending.batches++;
      this.pending.points += op.points;
    }
  }

  /** The next op to send, without taking it. */
  peek(): Op | undefined {
    for (;;) {
      while (this.head < this.queue.length) {
        const op = this.queue[this.head]!;
        if (!op.done && !this.doneSet.has(op.n)) return op;
        this.queue[this.head++] = undefined!;
      }
      if (!this.spooling) {
        this.queue = [];
        this.head = 0;
        this.queuedBytes = 0;
        return undefined;
      }
      const more = this.spool!.read(READ_AHEAD);
      this.queue = more;
      this.head = 0;
      if (more.length === 0) {
        this.maybeLeaveSpool();
        return undefined;
      }
    }
  }

  /** Takes the next op to send; it is in flight until `done`. */
  take(): Op | undefined {
    const op = this.peek();
    if (!op) return undefined;
    this.queue[this.head++] = undefined!; // taken: the queue no longer holds it
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (!this.spooling) this.queuedBytes -= opSize(op);
    this.inflight.push(op);
    return op;
  }

  /** Marks an op stored (acknowledged) or finished with an error. Safe to call twice. */
  done(op: Op): void {
    if (op.done || this.doneSet.has(op.n)) return;
    op.done = true;
    if (op.offset !== undefined) this.doneSet.add(op.n);
    const i = this.inflight.indexOf(op);
    if (i >= 0) this.inflight.splice(i, 1);
    this.pending.ops--;
    if (op.k === 'log') {
      this.pending.batches--;
      this.pending.points -= opPoints(op);
    }
    this.maybeLeaveSpool();
    this.wake();
  }

  /** The link was lost: every op in flight will be sent again, first, in its order. */
  rewind(): void {
    if (this.inflight.length === 0) return;
    const again = this.inflight.splice(0);
    if (this.spooling) {
      // every op in flight has a line in the file: read again from the first of them
      // (ops after it that were stored meanwhile are skipped through doneSet)
      this.spool!.seek(again[0]!.offset!);
      this.queue = [];
      this.head = 0;
    } else {
      this.queue = [...again, ...this.queue.slice(this.head)];
      this.head = 0;
      for (const op of again) this.queuedBytes += opSize(op);
    }
  }

  /**
   * Moves everything not stored to the spool file, in order: the ops in flight (they may never
   * be acknowledged), then the queue. No-op without a spool or when already spooling.
   */
  spill(): void {
    if (!this.spool || this.spooling) return;
    const inflight = this.inflight.filter((op) => !op.done);
    const queued = this.queue.slice(this.head).filter((op) => !op.done);
    if (inflight.length + queued.length === 0) return;
    try {
      this.spool.append([...inflight, ...queued]);
    } catch (err) {
      for (const op of [...inflight, ...queued]) delete op.offset;
      this.spoolFailed(err);
      return;
    }
    this.spooling = true;
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    // the in-flight ops stay in flight; reading resumes after them
    if (queued.length > 0) this.spool.seek(queued[0]!.offset!);
    else this.spool.seekEnd();
  }

  /** The smallest op number not yet stored, or the next number when everything is. */
  lowestPending(): number {
    const first = this.inflight[0]?.n;
    const next = this.peek()?.n;
    if (first !== undefined && next !== undefined) return Math.min(first, next);
    return first ?? next ?? this.nextN;
  }

  /**
   * Resolves once every op numbered up to `n` is stored, or after `timeoutMs`; true when stored.
   */
  async until(n: number, timeoutMs: number): Promise<boolean> {
    if (this.lowestPending() > n) return true;
    if (timeoutMs <= 0) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let waiter: { n: number; resolve: () => void } | undefined;
    const reached = new Promise<boolean>((resolve) => {
      waiter = { n, resolve: () => resolve(true) };
      this.waiters.push(waiter);
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await reached;
    } finally {
      clearTimeout(timer);
      this.waiters = this.waiters.filter((w) => w !== waiter);
    }
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const low = this.lowestPending();
    for (const w of this.waiters) if (w.n < low) w.resolve();
  }

  private maybeLeaveSpool(): void {
    if (!this.spooling || this.inflight.length > 0 || this.head < this.queue.length || !this.spool!.atEnd()) return;
    this.spool!.clear();
    this.spooling = false;
    this.doneSet.clear();
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
  }

  /** Closes the spool; returns its file when it still holds operations. */
  closeSpool(): string | null {
    if (!this.spool) return null;
    const file = this.spool.file;
    let kept = true;
    try {
      kept = this.spool.close();
    } catch {
      // the file stays as it is
    }
    this.spool = null;
    this.spooling = false;
    return kept ? file : null;
  }
}
