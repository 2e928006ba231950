/**
 * Drains the outbox to the server, in order. Against a lablog agent, log batches go over the
 * live channel as `log` messages carrying `batch: {client, seq}`, several in flight at once,
 * each done when its `ack` (or its own `error`) comes back. Every other operation (and every
 * operation against a plain MLflow server) goes over REST, only once everything before it is
 * stored, so a run is created before its values arrive and ended after them.
 * When the link is lost, what was in flight is sent again first, with the same batch seq.
 */
import type { ServerMessage } from '@lablog/schema';
import type { AgentLink, LinkListener } from './AgentLink.js';
import type { ErrorLog } from './errors.js';
import type { LogOp, Op } from './ops.js';
import type { Outbox } from './Outbox.js';
import { RequestError } from './RestClient.js';
import type { RestOps } from './RestOps.js';
import type { RunDirectory } from './RunDirectory.js';
import { setRef } from './runtime.js';

/** Options of the sender. */
export interface SenderOptions {
  /** Log batches in flight on the live channel at once. */
  maxInFlight: number;
  /** A batch not acknowledged within this time is taken as lost: the connection is dropped and made again. */
  ackTimeoutMs: number;
}

/** The `log` message of a batch. */
export function logMessage(op: LogOp): string {
  return `{"type":"log","id":"L${op.n}","run_id":${JSON.stringify(op.run)},"batch":{"client":${JSON.stringify(op.client)},"seq":${op.seq}},${op.body.slice(1)}`;
}

/** Sends the outbox's operations. */
export class Sender implements LinkListener {
  private pumping = false;
  private scheduled = false;
  private generation = 0;
  private readonly awaiting = new Map<string, { op: Op; at: number }>();
  private watchdog: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly outbox: Outbox,
    private readonly link: AgentLink,
    private readonly restOps: RestOps,
    private readonly runs: RunDirectory,
    private readonly errors: ErrorLog,
    private readonly opts: SenderOptions,
    private readonly onProgress: () => void,
  ) {}

  /** Sends what can be sent, soon (never inside the caller's logging call). */
  kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump().catch((err: unknown) => {
        // a bug or an unreadable spool: reported, never an unhandled rejection in the user's process
        this.errors.add({ run: null, op: 'log', error_code: 'INTERNAL_ERROR', message: `lablog client: ${(err as Error).message}`, points: 0 });
      });
    });
  }

  onUp(): void {
    this.onProgress();
    this.kick();
  }

  onDown(): void {
    this.generation++;
    this.awaiting.clear();
    this.outbox.rewind();
    this.outbox.spill();
    this.onProgress();
  }

  onMessage(msg: ServerMessage): void {
    if (msg.type !== 'ack' && msg.type !== 'error') return;
    if (!msg.id?.startsWith('L')) return;
    const entry = this.awaiting.get(msg.id);
    if (!entry) return;
    this.awaiting.delete(msg.id);
    if (msg.type === 'error') this.refuse(entry.op, msg.error_code, msg.message);
    else this.outbox.done(entry.op);
    this.onProgress();
    this.kick();
  }

  private refuse(op: Op, code: string, message: string): void {
    if (op.k === 'create') this.runs.fail(op.run, `${code}: ${message}`);
    this.errors.add({ run: this.runs.remoteId(op.run), op: op.k, error_code: code, message, points: op.k === 'log' ? op.points : 0 });
    this.outbox.done(op);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const state = this.link.state;
        if (state !== 'live' && state !== 'rest') return;
        const op = this.outbox.peek();
        if (!op) return;
        const failed = this.runs.failure(op.run);
        if (failed !== undefined && op.k !== 'create') {
          this.outbox.take();
          this.refuse(op, 'RESOURCE_DOES_NOT_EXIST', `Dropped: the run could not be created (${failed}).`);
          continue;
        }
        if (op.k === 'log' && state === 'live') {
          if (this.outbox.inflightCount >= this.opts.maxInFlight) return; // an ack goes on
          this.outbox.take();
          this.awaiting.set(`L${op.n}`, { op, at: Date.now() });
          if (!this.link.send(logMessage(op))) return; // lost meanwhile: onDown sends it again
          this.armWatchdog();
          continue;
        }
        // anything else waits until everything before it is stored
        if (this.outbox.inflightCount > 0) return;
        this.outbox.take();
        const generation = this.generation;
        try {
          await this.restOps.perform(op);
          this.outbox.done(op);
        } catch (err) {
          if (err instanceof RequestError && err.transient) {
            if (generation === this.generation) this.link.broken();
            return;
          }
          const e = err instanceof RequestError ? err : new RequestError(0, 'INTERNAL_ERROR', String(err));
          this.refuse(op, e.code, e.message);
        }
        this.onProgress();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Checks now and then that batches in flight get acknowledged. */
  private armWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      if (this.awaiting.size === 0) {
        clearInterval(this.watchdog!);
        this.watchdog = null;
        return;
      }
      const oldest = Math.min(...[...this.awaiting.values()].map((e) => e.at));
      if (Date.now() - oldest > this.opts.ackTimeoutMs) this.link.broken();
    }, Math.max(100, this.opts.ackTimeoutMs / 4));
    setRef(this.watchdog, false);
  }

  /** Stops the watchdog. */
  close(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }
}
