/**
 * The machinery behind a `Lablog` client: run buffers and their flush timer, the ordered
 * outbox (with its spool in Node), the sender, the link to the server, and what keeps a Node
 * process alive (unsent work in memory, open watchers) or lets it exit (nothing pending, or
 * everything pending safe in the spool file while the server is away).
 */
import { AgentLink } from './AgentLink.js';
import type { Rejecter } from './encode.js';
import { ErrorLog } from './errors.js';
import type { FlushReport } from './FlushReport.js';
import type { LogOp, Op } from './ops.js';
import type { ResolvedOptions } from './options.js';
import { Outbox } from './Outbox.js';
import { RestClient } from './RestClient.js';
import { RestOps } from './RestOps.js';
import { RunBuffer, type BatchSink } from './RunBuffer.js';
import { RunDirectory } from './RunDirectory.js';
import { hasNodeModules, onProcessExit } from './runtime.js';
import { Sender } from './Sender.js';

/** The shared state of one client. */
export class ClientCore implements BatchSink {
  readonly rest: RestClient;
  readonly link: AgentLink;
  readonly runs = new RunDirectory();
  readonly errors: ErrorLog;
  readonly restOps: RestOps;
  private readonly outbox: Outbox;
  private readonly sender: Sender;
  private readonly dirty = new Set<RunBuffer>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  // a batch seq starts from the clock, so a clientId reused by a later process keeps growing
  private seq = Date.now() * 1000;
  private watchers = 0;
  private closed = false;
  private readonly removeExitHook: () => void;
  /** Resolves once the spool (Node) is ready and spools left by earlier processes are queued. */
  readonly ready: Promise<void>;

  constructor(readonly opts: ResolvedOptions) {
    this.rest = new RestClient(opts.url, opts.token, opts.requestTimeoutMs, opts.headers, opts.wsUrl);
    this.link = new AgentLink(this.rest, { transport: opts.transport, connectTimeoutMs: opts.connectTimeoutMs });
    this.errors = new ErrorLog(opts.onError);
    this.restOps = new RestOps(this.rest, this.runs, () => this.link.clientRunIds);
    this.outbox = new Outbox(opts.maxQueuedBytes, (op, code, message) =>
      this.errors.add({ run: op ? this.runs.remoteId(op.run) : null, op: op?.k ?? 'log', error_code: code, message, points: op?.k === 'log' ? op.points : 0 }),
    );
    this.sender = new Sender(this.outbox, this.link, this.restOps, this.runs, this.errors, { maxInFlight: opts.maxInFlight, ackTimeoutMs: opts.ackTimeoutMs }, () => this.refreshKeepAlive());
    this.link.listen(this.sender);
    this.removeExitHook = onProcessExit(() => this.persistForExit());
    this.outbox.spoolExpected = opts.spoolDir !== false && hasNodeModules;
    this.ready = this.loadSpool().catch((err: unknown) => {
      this.outbox.spoolExpected = false;
      this.errors.add({ run: null, op: 'log', error_code: 'SPOOL_UNAVAILABLE', message: `No spool (${(err as Error).message}); unsent operations stay in memory.`, points: 0 });
    });
  }

  private async loadSpool(): Promise<void> {
    const dir = this.opts.spoolDir;
    if (dir === false || !hasNodeModules) return;
    const [{ FileSpool }, { adoptOrphans }, { resolve }] = await Promise.all([
      // webpackIgnore: a browser bundle must not pull in Node-only modules it never loads
      import(/* webpackIgnore: true */ './node/FileSpool.js'),
      import(/* webpackIgnore: true */ './node/orphanSpools.js'),
      import(/* webpackIgnore: true */ 'node:path'),
    ]);
    if (this.closed) return;
    const abs = resolve(dir);
    this.outbox.attachSpool(new FileSpool(abs, this.opts.clientId, this.opts.url), true);
    const adopted = adoptOrphans(abs, this.opts.url, this.opts.clientId, (op) => this.outbox.push(op), () => this.outbox.spill());
    if (adopted > 0) this.wake();
  }

  /** Starts connecting (if not yet) and sends what is queued. */
  wake(): void {
    this.link.start();
    this.sender.kick();
    this.refreshKeepAlive();
  }

  /** Queues an operation of a run (after cutting the run's pending values, to keep order). */
  push(op: Op, buf?: RunBuffer): void {
    buf?.cut();
    this.outbox.push(op);
    this.afterPush();
    this.wake();
  }

  pushBatch(run: string, body: string, points: number): void {
    const op: LogOp = { k: 'log', n: 0, run, client: this.opts.clientId, seq: this.seq++, points, body };
    this.outbox.push(op);
    this.afterPush();
    this.sender.kick();
    if (this.outbox.pending.ops === 1) this.wake();
  }

  private afterPush(): void {
    // while the server is away, new operations go straight to the spool file: memory stays
    // small and a process that ends meanwhile leaves them for the next one
    const state = this.link.state;
    if (state === 'down' || state === 'closed') this.outbox.spill();
  }

  markDirty(buf: RunBuffer): void {
    this.dirty.add(buf);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.cutAll();
      }, this.opts.flushIntervalMs);
    }
  }

  reject(run: string): Rejecter {
    return (what, count, message) =>
      this.errors.add({ run: this.runs.remoteId(run), op: what, error_code: 'INVALID_PARAMETER_VALUE', message, points: what === 'metric' ? count : 0 });
  }

  /** Cuts every run's pending values into batches. */
  cutAll(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const bufs = [...this.dirty];
    this.dirty.clear();
    for (const b of bufs) b.cut();
    this.refreshKeepAlive();
  }

  /** The number of the last operation queued. */
  get lastOp(): number {
    return this.outbox.lastNumber;
  }

  /** Waits until every operation up to number `n` is stored, at most `timeoutMs`; true when it is. */
  waitFor(n: number, timeoutMs: number): Promise<boolean> {
    this.wake();
    return this.outbox.until(n, timeoutMs);
  }

  /**
   * Waits until every operation up to number `n` is stored, at most `timeoutMs`.
   * @returns a report of what is stored, pending and refused
   */
  async settle(n: number, timeoutMs: number): Promise<FlushReport> {
    this.wake();
    const durable = await this.outbox.until(n, timeoutMs);
    return { durable, pending: { ...this.outbox.pending }, spoolFile: this.outbox.spoolFile, errors: this.errors.take() };
  }

  /** Cuts everything pending and waits for it, at most `timeoutMs` (default: the flushTimeoutMs option). */
  async flush(timeoutMs = this.opts.flushTimeoutMs): Promise<FlushReport> {
    this.cutAll();
    return this.settle(this.lastOp, timeoutMs);
  }

  /** One more (or one fewer) open watcher: they keep the process alive. */
  watching(delta: number): void {
    this.watchers += delta;
    this.refreshKeepAlive();
  }

  /**
   * Keeps a Node process alive while there is work only memory holds (values not yet cut,
   * operations not yet in the spool file) or operations the reachable server has yet to
   * acknowledge, and while watchers are open; otherwise lets it exit.
   */
  private refreshKeepAlive(): void {
    const pending = this.outbox.pending.ops > 0;
    const up = this.link.state !== 'down';
    const keep = this.watchers > 0 || (pending && (this.outbox.spoolFile === null || up));
    this.link.setKeepAlive(keep);
  }

  /** On process exit: whatever only memory holds goes to the spool file, for the next process. */
  private persistForExit(): void {
    for (const b of this.dirty) b.cut();
    this.dirty.clear();
    this.outbox.rewind();
    this.outbox.spill();
    this.outbox.closeSpool();
  }

  /** Flushes (bounded), stops connecting and closes the spool (removed when empty). */
  async close(timeoutMs = this.opts.flushTimeoutMs): Promise<FlushReport> {
    if (this.closed) return { durable: this.outbox.pending.ops === 0, pending: { ...this.outbox.pending }, spoolFile: null, errors: this.errors.take() };
    const report = await this.flush(timeoutMs);
    this.closed = true;
    await this.ready;
    this.removeExitHook();
    this.sender.close();
    this.link.close(); // the sender rewinds and spills what was in flight
    const kept = this.outbox.closeSpool();
    return { ...report, pending: { ...this.outbox.pending }, spoolFile: kept };
  }
}
