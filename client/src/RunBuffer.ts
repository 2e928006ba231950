/**
 * The values of one run waiting to be batched, in call order. A batch is cut when it is full
 * (MLflow's limits: 1000 metrics, 100 params, 100 tags, 1000 in all; the same param key only
 * once), when the flush timer fires, and before any other operation of the run (so order is
 * kept). Params never share a batch with metrics: a param the server refuses (a changed
 * value) then costs only params, never training points.
 */
import { BATCH_LIMITS, type KeyValue } from '@lablog/schema';
import { encodeBatch, type PendingPoints, type Rejecter } from './encode.js';

/** MLflow's limits of one log-batch request. */

/** A batch body must stay well under the server's 1 MB request limit. */
const MAX_BATCH_CHARS = 800_000;

/** Where cut batches go. */
export interface BatchSink {
  /** Queues a cut batch of `run`. */
  pushBatch(run: string, body: string, points: number): void;
  /** The buffer holds values and wants a timed cut. */
  markDirty(buf: RunBuffer): void;
  /** Reports values left out of a batch. */
  reject(run: string): Rejecter;
}

/** The pending values of one run. */
export class RunBuffer {
  private keys: unknown[] = [];
  private values: unknown[] = [];
  private timestamps: unknown[] = [];
  private steps: unknown[] = [];
  private params: KeyValue[] = [];
  private readonly paramKeys = new Set<string>();
  private tags: KeyValue[] = [];
  private chars = 0;
  private dirty = false;

  /**
   * @param maxPoints metric points in one batch (at most 1000)
   */
  constructor(
    readonly run: string,
    private readonly sink: BatchSink,
    private readonly maxPoints: number,
  ) {}

  /** Adds a metric point. Hot path: no validation here (see encode.ts). */
  point(key: unknown, value: unknown, timestamp: unknown, step: unknown): void {
    if (this.params.length > 0) this.cut();
    this.values.push(value);
    this.timestamps.push(timestamp);
    this.steps.push(step);
    const n = this.keys.push(key);
    if (n >= this.maxPoints || n + this.tags.length >= BATCH_LIMITS.total) this.cut();
    else if (!this.dirty) this.touch();
  }

  /** Adds a param. */
  param(key: string, value: string): void {
    if (this.keys.length > 0 || this.paramKeys.has(key) || this.params.length >= BATCH_LIMITS.params || this.params.length + this.tags.length >= BATCH_LIMITS.total || this.chars > MAX_BATCH_CHARS) this.cut();
    this.params.push({ key, value });
    this.paramKeys.add(key);
    this.chars += key.length + value.length + 32;
    if (!this.dirty) this.touch();
  }

  /** Adds a tag (a later value of the same key in one batch wins, as it would in two). */
  tag(key: string, value: string): void {
    if (this.tags.length >= BATCH_LIMITS.tags || this.keys.length + this.params.length + this.tags.length >= BATCH_LIMITS.total || this.chars > MAX_BATCH_CHARS) this.cut();
    this.tags.push({ key, value });
    this.chars += key.length + value.length + 32;
    if (!this.dirty) this.touch();
  }

  /** True when nothing is waiting. */
  get empty(): boolean {
    return this.keys.length === 0 && this.params.length === 0 && this.tags.length === 0;
  }

  private touch(): void {
    this.dirty = true;
    this.sink.markDirty(this);
  }

  /** Turns what is waiting into a batch and queues it. */
  cut(): void {
    this.dirty = false;
    if (this.empty) return;
    const points: PendingPoints = { keys: this.keys, values: this.values, timestamps: this.timestamps, steps: this.steps };
    const params = this.params;
    const tags = this.tags;
    this.keys = [];
    this.values = [];
    this.timestamps = [];
    this.steps = [];
    this.params = [];
    this.tags = [];
    this.paramKeys.clear();
    this.chars = 0;
    const batch = encodeBatch(points, params, tags, this.sink.reject(this.run));
    if (batch) this.sink.pushBatch(this.run, batch.body, batch.points);
  }
}
