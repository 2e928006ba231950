/**
 * Every metric of one run as columns. Built by reading the run's `metrics.jsonl` once (or
 * from nothing, for a run created while the agent runs), then kept current from the log's
 * commits as they happen — the points are folded in without reading the file again. Should a
 * commit not line up with what is held (one landed while the file was being read), the next
 * `update` reads just the missing bytes: the log is append-only, so bytes read never change.
 */
import { open } from 'node:fs/promises';
import type { MetricLog } from '../store/MetricLog.js';
import type { MetricPoint } from '../store/records.js';
import { MetricColumn } from './MetricColumn.js';
import { readLines } from '../store/metricLines.js';

/** Bytes read from the file at a time. */
const CHUNK = 8 * 1024 * 1024;

/** The columns of one run's metric log, up to `bytes`. */
export class RunColumns {
  private readonly columns = new Map<string, MetricColumn>();
  /** The column of a key, made on its first point. */
  private readonly columnOf = (key: string): MetricColumn => {
    let c = this.columns.get(key);
    if (!c) this.columns.set(key, (c = new MetricColumn()));
    return c;
  };
  /** Bytes of the log folded in so far. */
  private read = 0;
  private catchingUp: Promise<void> | null = null;
  private held = 0;
  private detached = false;
  private readonly listener = (from: number, to: number, points: readonly MetricPoint[]): void => this.fold(from, to, points);

  /**
   * Follows `log` from now on (until `detach`).
   * @param sizeChanged told of every change of `bytes`, for the cache's budget
   */
  constructor(
    private readonly log: MetricLog,
    private readonly sizeChanged: (delta: number) => void = () => undefined,
  ) {
    log.onCommit = this.listener;
  }

  /** One metric's columns, or undefined when the run has no point of it. */
  column(key: string): MetricColumn | undefined {
    return this.columns.get(key);
  }

  /** Bytes held by the columns. */
  get bytes(): number {
    return this.held;
  }

  /** Stops following the log (the columns are being dropped). */
  detach(): void {
    this.detached = true;
    if (this.log.onCommit === this.listener) this.log.onCommit = null;
  }

  /** Reads whatever the log committed that is not folded in yet. Concurrent callers share one read. */
  async update(): Promise<void> {
    for (;;) {
      const before = this.read;
      if (before >= this.log.size) return;
      this.catchingUp ??= this.readTail().finally(() => {
        this.catchingUp = null;
        this.measure();
      });
      await this.catchingUp;
      if (this.read === before) return; // nothing whole to read (cannot happen with committed bytes): never spin
    }
  }

  private fold(from: number, to: number, points: readonly MetricPoint[]): void {
    // only a commit that starts where the columns end, and never while the file is being read
    if (from !== this.read || this.catchingUp) return;
    for (const p of points) this.columnOf(p.key).push(p.step, p.timestamp, p.value);
    this.read = to;
    this.measure();
  }

  private measure(): void {
    let n = 0;
    for (const c of this.columns.values()) n += c.bytes;
    if (n !== this.held) {
      if (!this.detached) this.sizeChanged(n - this.held);
      this.held = n;
    }
  }

  private async readTail(): Promise<void> {
    const to = this.log.size;
    if (to <= this.read) return;
    const fh = await open(this.log.path, 'r');
    try {
      let buf = Buffer.allocUnsafe(Math.min(CHUNK, to - this.read));
      let carry = 0; // bytes of an unfinished line kept at the start of buf
      let pos = this.read;
      while (pos < to) {
        const want = Math.min(buf.length - carry, to - pos);
        const { bytesRead } = await fh.read(buf, carry, want, pos);
        if (bytesRead === 0) break;
        pos += bytesRead;
        const filled = carry + bytesRead;
        const used = readLines(buf, filled, this.columnOf);
        this.read += used;
        carry = filled - used;
        if (carry > 0) {
          // a line longer than the buffer (a key of megabytes?) needs a bigger one
          if (carry === buf.length) {
            const bigger = Buffer.allocUnsafe(buf.length * 2);
            buf.copy(bigger, 0, 0, carry);
            buf = bigger;
          } else buf.copy(buf, 0, used, filled);
        }
      }
    } finally {
      await fh.close();
    }
  }
}
