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

/** The outcome of claiming a client batch: store it (then settle), or wait and acknowledge. */
export type BatchClaim = { fresh: true; settle(ok: boolean): void } | { fresh: false; committed: Promise<void> };

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
    let batches: BatchOrigin[] = [];
    if (recover) {
      const r = await recoverMetricLog(logPath, doc.metrics_bytes);
      size = r.size;
      replayed = r.points;
      batches = r.batches;
    }
    const run = new StoredRun(dir, doc, new MetricLog(logPath, size, committer));
    if (recover && (replayed.length > 0 || batches.length > 0 || size !== doc.metrics_bytes)) {
      run.summarise(replayed, batches);
      await run.save();
    }
    return run;
  }

  /** Batches of clients being committed now: the newest claimed seq and its commit. */
  private readonly inFlight = new Map<string, { seq: number; committed: Promise<void> }>();

  /**
   * Claims batch `origin.seq` of a client, so that a batch the client sends again (after a
   * reconnect, not knowing whether it landed) is stored once. A fresh batch must be settled
   * once its write succeeded or failed; a repeated one carries the commit to wait for
   * before it is acknowledged, so an ack always means durable.
   */
  claimBatch(origin: BatchOrigin): BatchClaim {
    const pending = this.inFlight.get(origin.client);
    const committed = this.doc.client_batches?.[origin.client] ?? -1;
    if (origin.seq <= Math.max(committed, pending?.seq ?? -1)) {
      return { fresh: false, committed: pending && origin.seq > committed ? pending.committed : Promise.resolve() };
    }
    let settle!: (ok: boolean) => void;
    const entry = {
      seq: origin.seq,
      committed: new Promise<void>((resolve, reject) => {
        settle = (ok) => (ok ? resolve() : reject(new Error('the original batch failed')));
      }),
    };
    entry.committed.catch(() => undefined);
    this.inFlight.set(origin.client, entry);
    return {
      fresh: true,
      settle: (ok) => {
        if (this.inFlight.get(origin.client) === entry) this.inFlight.delete(origin.client);
        settle(ok);
      },
    };
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
    this.summarise(points, origin ? [origin] : []);
    if (!this.summaryTimer) {
      this.summaryTimer = setTimeout(() => {
        this.summaryTimer = null;
        this.save().catch(() => undefined);
      }, SUMMARY_DELAY_MS);
    }
    return lines;
  }

  private summarise(points: readonly MetricPoint[], batches: readonly BatchOrigin[]): void {
    if (batches.length > 0) {
      const known = (this.doc.client_batches ??= {});
      for (const b of batches) known[b.client] = Math.max(known[b.client] ?? -1, b.seq);
    }
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
