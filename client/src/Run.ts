/**
 * A run being logged. Every logging call only queues (a metric point costs well under two
 * microseconds) and never throws or waits, whatever the server's state: values the server
 * would refuse are left out and reported by the next `flush()` / `endRun()`.
 */
import { RUN_MIME_TYPE, type Dataset, type RunMimeData, type RunStatus } from '@lablog/schema';
import type { ClientCore } from './ClientCore.js';
import { valueString } from './encode.js';
import type { FlushReport } from './FlushReport.js';
import { RunBuffer } from './RunBuffer.js';
import { bytesToBase64 } from './RestOps.js';
import { hasNodeModules } from './runtime.js';

/** When a metric point was measured. */
export interface MetricOptions {
  /** Training step. Default 0 (as MLflow). */
  step?: number;
  /** Milliseconds since the epoch. Default: now. */
  timestamp?: number;
}

/** A run. */
export class Run {
  private readonly buf: RunBuffer;
  private ended = false;
  private lastOp: number;

  /** @internal made by `Lablog.startRun` */
  constructor(
    private readonly core: ClientCore,
    private readonly localId: string,
    createOp: number,
  ) {
    this.buf = new RunBuffer(localId, core, core.opts.maxBatchPoints);
    this.lastOp = createOp;
  }

  /**
   * The run's id: the client's own (32 hex digits) against a lablog agent; against a plain
   * MLflow server the one the server gave it once it was created (the client's own until then).
   */
  get id(): string {
    return this.core.runs.remoteId(this.localId);
  }

  /** The run's experiment id, once the server has created the run. */
  get experimentId(): string | undefined {
    return this.core.runs.experimentId(this.localId);
  }

  /**
   * A display bundle that draws this run's live charts inside a notebook cell (lablog's
   * JupyterLab extension renders it), e.g. in a Deno kernel:
   * `Deno.jupyter.display(run.mimeBundle(), { raw: true })`.
   * @param metrics only these metrics (default: all)
   */
  mimeBundle(metrics?: string[]): { [RUN_MIME_TYPE]: RunMimeData; 'text/plain': string } {
    return {
      [RUN_MIME_TYPE]: { run_id: this.id, ...(metrics ? { metrics } : {}) },
      'text/plain': `lablog run ${this.id}`,
    };
  }

  /** @internal the client's id of the run, whatever the server calls it */
  get clientRunId(): string {
    return this.localId;
  }

  private refuseEnded(op: 'metric' | 'param' | 'tag' | 'inputs' | 'artifact' | 'update', points = 0): boolean {
    if (!this.ended) return false;
    this.core.errors.add({ run: this.id, op, error_code: 'INVALID_STATE', message: 'The run has ended; nothing more can be logged to it.', points });
    return true;
  }

  /** Input that could not even be read (a throwing getter, say): reported like any invalid value. */
  private unreadable(op: 'metric' | 'param' | 'tag', err: unknown): void {
    this.core.errors.add({ run: this.id, op, error_code: 'INVALID_PARAMETER_VALUE', message: `Could not read what was logged: ${(err as Error)?.message ?? String(err)}`, points: op === 'metric' ? 1 : 0 });
  }

  /**
   * Logs a metric point. Only queues it: never throws, never waits.
   * @param opts step (default 0) and timestamp (default now)
   */
  logMetric(key: string, value: number, opts?: MetricOptions): void {
    try {
      if (this.ended) this.refuseEnded('metric', 1);
      else if (opts === undefined) this.buf.point(key, value, Date.now(), 0);
      else this.buf.point(key, value, opts.timestamp ?? Date.now(), opts.step ?? 0);
    } catch (err) {
      this.unreadable('metric', err);
    }
  }

  /** Logs several metrics at the same step and time. */
  logMetrics(metrics: Record<string, number>, opts?: MetricOptions): void {
    try {
      if (this.refuseEnded('metric', Object.keys(metrics ?? {}).length)) return;
      const timestamp = opts?.timestamp ?? Date.now();
      const step = opts?.step ?? 0;
      for (const key in metrics) this.buf.point(key, metrics[key], timestamp, step);
    } catch (err) {
      this.unreadable('metric', err);
    }
  }

  /** Logs a param (a value that does not change during the run); the value is stored as a string. */
  logParam(key: string, value: unknown): void {
    this.logParams({ [key]: value });
  }

  /** Logs several params. */
  logParams(params: Record<string, unknown>): void {
    try {
      if (this.refuseEnded('param')) return;
      for (const key in params) this.buf.param(key, valueString(params[key]));
    } catch (err) {
      this.unreadable('param', err);
    }
  }

  /** Sets a tag (a later value replaces an earlier one). */
  setTag(key: string, value: unknown): void {
    this.setTags({ [key]: value });
  }

  /** Sets several tags. */
  setTags(tags: Record<string, unknown>): void {
    try {
      if (this.refuseEnded('tag')) return;
      for (const key in tags) this.buf.tag(key, valueString(tags[key]));
    } catch (err) {
      this.unreadable('tag', err);
    }
  }

  /**
   * Records a dataset the run used (MLflow `log_input`).
   * @param dataset name, digest, source type and source (a JSON string, e.g. `{"uri": "..."}`), optional schema and profile
   * @param context how it was used, e.g. `training` (the `mlflow.data.context` input tag)
   */
  logInput(dataset: Dataset, context?: string): void {
    if (this.refuseEnded('inputs')) return;
    const d = dataset as Partial<Dataset> | null;
    if (!d || typeof d.name !== 'string' || typeof d.digest !== 'string' || typeof d.source_type !== 'string' || typeof d.source !== 'string') {
      this.core.errors.add({ run: this.id, op: 'inputs', error_code: 'INVALID_PARAMETER_VALUE', message: 'A dataset needs string name, digest, source_type and source.', points: 0 });
      return;
    }
    const input = { tags: context ? [{ key: 'mlflow.data.context', value: context }] : [], dataset: { ...dataset } };
    this.core.push({ k: 'inputs', n: 0, run: this.localId, datasets: [input] }, this.buf);
    this.lastOp = this.core.lastOp;
  }

  /**
   * Uploads an artifact (queued in order with the run's other operations).
   * - a path (Node, Deno): a file is stored as `<artifactPath>/<file name>`, a folder as
   *   `<artifactPath>/<folder name>/...`; files are read when they are sent;
   * - bytes (anywhere): stored at `artifactPath`, which names the file (e.g. `plots/loss.png`).
   * @param artifactPath folder (for a path) or file path (for bytes) inside the run's artifacts; default the root
   */
  logArtifact(pathOrBytes: string | Uint8Array | ArrayBuffer, artifactPath?: string): void {
    if (this.refuseEnded('artifact')) return;
    const fail = (message: string) => this.core.errors.add({ run: this.id, op: 'artifact', error_code: 'INVALID_PARAMETER_VALUE', message, points: 0 });
    const dest = (artifactPath ?? '').replace(/^\/+|\/+$/g, '');
    if (dest.split('/').includes('..')) return fail(`Artifact path '${artifactPath}' must not contain '..'.`);
    if (typeof pathOrBytes === 'string') {
      if (!hasNodeModules) return fail('Artifacts given by path need Node or Deno; pass bytes instead.');
      this.core.push({ k: 'artifact', n: 0, run: this.localId, dest, file: pathOrBytes }, this.buf);
    } else if (pathOrBytes instanceof Uint8Array || pathOrBytes instanceof ArrayBuffer) {
      const slash = dest.lastIndexOf('/');
      const name = dest.slice(slash + 1);
      if (!name) return fail('Artifact bytes need an artifactPath naming the file, e.g. "plots/loss.png".');
      const bytes = pathOrBytes instanceof ArrayBuffer ? new Uint8Array(pathOrBytes) : pathOrBytes;
      this.core.push({ k: 'artifact', n: 0, run: this.localId, dest: slash < 0 ? '' : dest.slice(0, slash), name, bytes: bytesToBase64(bytes) }, this.buf);
    } else {
      return fail('An artifact is a file path or bytes (Uint8Array, ArrayBuffer).');
    }
    this.lastOp = this.core.lastOp;
  }

  /**
   * Sends everything logged so far and waits until the server has stored it, at most
   * `timeoutMs`. Never rejects: see `FlushReport` for what it tells.
   * @param opts.timeoutMs default: the client's flushTimeoutMs (10 s)
   */
  async flush(opts: { timeoutMs?: number } = {}): Promise<FlushReport> {
    this.buf.cut();
    return this.core.flush(opts.timeoutMs);
  }

  /**
   * Ends the run (its status and end time are set after everything logged before), then
   * waits like `flush()`. Later logging calls are ignored and reported.
   * @param status default `FINISHED`
   */
  async endRun(status: RunStatus = 'FINISHED', opts: { timeoutMs?: number } = {}): Promise<FlushReport> {
    if (!this.ended) {
      this.core.push({ k: 'update', n: 0, run: this.localId, status, end: Date.now() }, this.buf);
      this.ended = true;
      this.lastOp = this.core.lastOp;
    }
    this.core.cutAll();
    return this.core.settle(this.lastOp, opts.timeoutMs ?? this.core.opts.flushTimeoutMs);
  }
}
