/**
 * One run on disk: its lowdb document `run.json` and its metric log `metrics.jsonl`.
 * Metadata writes (params, tags, status) are awaited before they are acknowledged; the
 * latest-metric summary is saved lazily because the metric log is the durable record and
 * `recoverMetricLog` rebuilds whatever the summary missed.
 */
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { join } from 'node:path';
import type { GroupCommitter } from './GroupCommitter.js';
import { jsonToNumber, stringifyDoc } from './jsonCodec.js';
import { MetricLog, recoverMetricLog, type BatchOrigin } from './MetricLog.js';
import { isNewer, type MetricPoint, type RunDoc } from './records.js';

/** How long a metric summary may wait before it is written to `run.json`. */
const SUMMARY_DELAY_MS = 200;

function parseRunDoc(text: string): RunDoc {
  const doc = JSON.parse(text) as RunDoc;
  for (const m of Object.values(doc.latest_metrics)) m.value = jsonToNumber(m.value);
  return doc;
}

function runFile(dir: string): DataFile<RunDoc> {
  return new DataFile<RunDoc>(join(dir, 'run.json'), { parse: parseRunDoc, stringify: stringifyDoc });
}

/** A run's document and metric log. */
export class StoredRun {
  private summaryTimer: NodeJS.Timeout | null = null;
  private lastSave: Promise<void> = Promise.resolve();

  // The lowdb handle is made on the first save: most runs of a large store are only read.
  private db: Low<RunDoc> | null = null;

  private constructor(
    readonly dir: string,
    /** The run's document (live: callers mutate it, then `save()`). */
    readonly doc: RunDoc,
    readonly metrics: MetricLog,
  ) {}

  /** Creates the run's files. */
  static async create(dir: string, doc: RunDoc, committer: GroupCommitter): Promise<StoredRun> {
    const run = new StoredRun(dir, doc, new MetricLog(join(dir, 'metrics.jsonl'), 0, committer));
    await run.save();
    return run;
  }

  /**
   * Opens a run from its files. With `recover`, points the summary does not cover yet are
   * replayed and a torn last line is dropped.
   */
  static async load(dir: string, text: string, committer: GroupCommitter, recover: boolean): Promise<StoredRun> {
    const doc = parseRunDoc(text);
    const logPath = join(dir, 'metrics.jsonl');
    let size = doc.metrics_bytes;
    let replayed: MetricPoint[] = [];
    if (recover) {
      const r = await recoverMetricLog(logPath, doc.metrics_bytes);
      size = r.size;
      replayed = r.points;
    }
    const run = new StoredRun(dir, doc, new MetricLog(logPath, size, committer));
    if (recover && (replayed.length > 0 || size !== doc.metrics_bytes)) {
      run.summarise(replayed);
      await run.save();
    }
    return run;
  }

  private readonly lastBatch = new Map<string, number>();
  private readonly lastBatchScan = new Map<string, Promise<number>>();

  /**
   * Claims batch `origin.seq` of a client: false when that batch (or a later one) was
   * already committed or claimed, so a resent batch is not stored twice. The client's last
   * seq is read from the log once; every claim waits on that same read, so claims resolve in
   * the order they were made and the client's batches keep their order.
   */
  async claimBatch(origin: BatchOrigin): Promise<boolean> {
    if (!this.lastBatch.has(origin.client)) {
      let scan = this.lastBatchScan.get(origin.client);
      if (!scan) {
        scan = this.metrics.lastBatchSeq(origin.client);
        this.lastBatchScan.set(origin.client, scan);
      }
      const found = await scan;
      this.lastBatchScan.delete(origin.client);
      if (!this.lastBatch.has(origin.client)) this.lastBatch.set(origin.client, found);
    }
    if (origin.seq <= this.lastBatch.get(origin.client)!) return false;
    this.lastBatch.set(origin.client, origin.seq);
    return true;
  }

  /** Writes `run.json` atomically; resolves once it is written. */
  save(): Promise<void> {
    this.db ??= new Low(runFile(this.dir), this.doc);
    this.lastSave = this.db.write();
    return this.lastSave;
  }

  /**
   * Appends points durably, then folds them into the latest-metric summary. Resolves with
   * the points' JSONL lines.
   */
  async appendMetrics(points: readonly MetricPoint[], origin?: BatchOrigin): Promise<string> {
    const lines = await this.metrics.append(points, origin);
    this.summarise(points);
    if (!this.summaryTimer) {
      this.summaryTimer = setTimeout(() => {
        this.summaryTimer = null;
        this.save().catch(() => undefined);
      }, SUMMARY_DELAY_MS);
    }
    return lines;
  }

  private summarise(points: readonly MetricPoint[]): void {
    const latest = this.doc.latest_metrics;
    for (const p of points) {
      const cur = latest[p.key];
      const next = { value: p.value, timestamp: p.timestamp, step: p.step };
      if (!cur || isNewer(next, cur)) latest[p.key] = next;
    }
    this.doc.metrics_bytes = this.metrics.size;
  }

  /** Saves a pending summary, waits for the last save and closes the metric log. */
  async close(): Promise<void> {
    if (this.summaryTimer) {
      clearTimeout(this.summaryTimer);
      this.summaryTimer = null;
      this.save();
    }
    await this.lastSave.catch(() => undefined);
    await this.metrics.close();
  }
}
