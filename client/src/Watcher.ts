/**
 * `lablog.watch(scope)`: the live events of a run, an experiment or everything, as an async
 * iterator. It starts with a snapshot of the scope's current state, then yields every change
 * the agent commits, in commit order. When the connection drops it resubscribes from the last
 * seq it saw (with the epoch), so nothing is missed or repeated; when the agent can no longer
 * replay that far (restarted, or the viewer fell too far behind) it yields a fresh snapshot
 * (`reason: 'resync'`) and goes on from there.
 */
import type { LiveEvent, LiveEventKind, Scope, ServerMessage, WireExperiment, WireRun } from '@lablog/schema';
import type { AgentLink, LinkListener } from './AgentLink.js';
import { Backoff } from './backoff.js';
import { randomHex } from './ids.js';
import { RequestError } from './RestClient.js';

/** The state of the watched scope: at the start, and after a resync. */
export interface WatchSnapshot {
  kind: 'snapshot';
  reason: 'start' | 'resync';
  /** The agent's seq the snapshot is taken at; events after it follow. */
  seq: number;
  experiments: WireExperiment[];
  runs: WireRun[];
}

/**
 * With `snapshot: false`: whatever the consumer shows should be fetched again. `start`: the
 * subscription is now in place, and anything committed between the consumer's own first read
 * and this moment was not seen. `missed`: the agent restarted or could not replay that far.
 */
export interface WatchGap {
  kind: 'gap';
  reason: 'start' | 'missed';
  seq: number;
}

/** What a watcher yields: a snapshot, a gap, or one committed change. */
export type WatchEvent = LiveEvent | WatchSnapshot | WatchGap;

/** Options of `watch`. */
export interface WatchOptions {
  /** Events held for a consumer that does not keep up, past which they are dropped and fetched again from the agent. Default 100 000. */
  maxBuffered?: number;
  /**
   * Start with a snapshot of the scope (default true). A viewer that reads the state itself
   * (a paged table over `runs/search`) passes false: it then gets only changes, and a
   * `gap` item whenever it has to read the state again.
   */
  snapshot?: boolean;
  /**
   * Only changes of these kinds (default: all), e.g. `['run', 'tags']` for a list of runs, or
   * `['registry']`: watching `'all'` then costs nothing per metric point logged anywhere.
   */
  kinds?: LiveEventKind[];
}

/** A live subscription, iterated with `for await`. */
export class Watcher implements AsyncIterableIterator<WatchEvent>, LinkListener {
  private readonly sub = `W${randomHex(6)}`;
  private items: Array<{ seq: number; item: WatchEvent }> = [];
  private head = 0;
  private waiter: ((r: IteratorResult<WatchEvent>) => void) | null = null;
  private failWaiter: ((err: Error) => void) | null = null;
  private failure: Error | null = null;
  private closed = false;
  private started = false;
  private lastSeq: number | null = null;
  private yieldedSeq: number | null = null;
  private epoch: string | null = null;
  private scope: Scope | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff = new Backoff(200, 5_000);
  private readonly unlisten: () => void;
  private readonly maxBuffered: number;
  private readonly wantSnapshot: boolean;
  private readonly kinds: LiveEventKind[] | undefined;
  private gapPending = false;

  /** @internal made by `Lablog.watch` */
  constructor(
    private readonly link: AgentLink,
    private readonly resolveScope: () => Promise<Scope>,
    opts: WatchOptions,
    private readonly onClose: () => void,
  ) {
    this.maxBuffered = opts.maxBuffered ?? 100_000;
    this.wantSnapshot = opts.snapshot ?? true;
    this.kinds = opts.kinds;
    this.unlisten = link.listen(this);
    link.start();
    if (link.state === 'live' || link.state === 'rest') this.onUp();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  onUp(): void {
    if (this.link.state === 'live') void this.subscribe();
    else if (this.link.state === 'rest') this.fail(new Error(`lablog: watch needs the live channel of a lablog agent; the server is ${this.link.isLablog ? 'used over REST only (transport: "rest")' : 'a plain MLflow server'}.`));
  }

  onMessage(msg: ServerMessage): void {
    if (this.closed) return;
    switch (msg.type) {
      case 'snapshot':
        if (msg.sub !== this.sub) return;
        this.epoch = msg.epoch;
        this.lastSeq = msg.seq;
        this.push(msg.seq, { kind: 'snapshot', reason: this.started ? 'resync' : 'start', seq: msg.seq, experiments: msg.experiments, runs: msg.runs });
        this.started = true;
        return;
      case 'subscribed':
        if (msg.sub !== this.sub) return;
        this.epoch = msg.epoch;
        this.lastSeq = Math.max(this.lastSeq ?? 0, msg.seq);
        this.backoff.reset();
        if (!this.wantSnapshot && !this.started) this.push(msg.seq, { kind: 'gap', reason: 'start', seq: msg.seq });
        else if (this.gapPending) this.push(msg.seq, { kind: 'gap', reason: 'missed', seq: msg.seq });
        this.gapPending = false;
        this.started = true;
        return;
      case 'event':
        if (msg.sub !== this.sub || (this.lastSeq !== null && msg.seq <= this.lastSeq)) return;
        this.lastSeq = msg.seq;
        this.push(msg.seq, msg.event);
        return;
      case 'resync':
        if (msg.sub !== this.sub) return;
        if (!this.wantSnapshot) {
          this.gapPending = true;
          this.lastSeq = this.epoch = null;
        }
        void this.subscribe();
        return;
      case 'error':
        if (msg.id !== this.sub) return;
        // a run or experiment that does not exist yet may be about to (a run created offline)
        if (msg.error_code === 'RESOURCE_DOES_NOT_EXIST') this.retryLater();
        else this.fail(new Error(`lablog: watch refused (${msg.error_code}): ${msg.message}`));
        return;
      default:
        return;
    }
  }

  private async subscribe(): Promise<void> {
    if (this.closed || this.link.state !== 'live') return;
    try {
      this.scope ??= await this.resolveScope();
    } catch (err) {
      if (err instanceof RequestError && (err.transient || err.code === 'RESOURCE_DOES_NOT_EXIST')) this.retryLater();
      else this.fail(err as Error);
      return;
    }
    const resume = this.lastSeq !== null && this.epoch !== null ? { since: this.lastSeq, epoch: this.epoch } : {};
    this.link.send(JSON.stringify({ type: 'subscribe', id: this.sub, scope: this.scope, snapshot: this.wantSnapshot, ...(this.kinds ? { kinds: this.kinds } : {}), ...resume }));
  }

  private retryLater(): void {
    if (this.retry || this.closed || this.released) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.subscribe();
    }, this.backoff.next());
  }

  private push(seq: number, item: WatchEvent): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failWaiter = null;
      this.yieldedSeq = seq;
      w({ value: item, done: false });
      return;
    }
    this.items.push({ seq, item });
    if (this.items.length - this.head > this.maxBuffered) {
      // the consumer does not keep up: drop the backlog and ask the agent for it again later
      this.items = [];
      this.head = 0;
      this.lastSeq = this.yieldedSeq;
      void this.subscribe();
    }
  }

  private fail(err: Error): void {
    if (this.failure || this.closed) return;
    this.failure = err;
    this.release();
    if (this.failWaiter) {
      const f = this.failWaiter;
      this.waiter = this.failWaiter = null;
      f(err);
    }
  }

  /** The next event; waits for one. Rejects when the agent refused the subscription. */
  next(): Promise<IteratorResult<WatchEvent>> {
    const first = this.items[this.head];
    if (first) {
      this.items[this.head++] = undefined!;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.yieldedSeq = first.seq;
      return Promise.resolve({ value: first.item, done: false });
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  private released = false;

  private release(): void {
    if (this.released) return;
    this.released = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.unlisten();
    this.onClose();
  }

  /** Stops watching (also what `break` out of `for await` calls). */
  return(): Promise<IteratorResult<WatchEvent>> {
    if (!this.closed) {
      this.closed = true;
      this.link.send(JSON.stringify({ type: 'unsubscribe', id: this.sub }));
      this.release();
      this.items = [];
      this.head = 0;
      const w = this.waiter;
      this.waiter = this.failWaiter = null;
      w?.({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }
}
