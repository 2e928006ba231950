/**
 * The latest metric values of the runs of recently searched experiments, in this agent's memory,
 * kept current by the change feed. A search that filters or orders by metrics walks
 * latest_metrics in SQL one run at a time, and when the filter and the order disagree (a sweep
 * filtered on accuracy, ordered by loss) it visits a third of the experiment before a page is
 * full: ~90 ms at 100,000 runs even with every page cached. Held as columns here, the same
 * search is a pass over arrays (indexedRunSearch).
 *
 * An experiment is read in the background on its first search (answered in SQL meanwhile), from one snapshot that also reads the feed's
 * position; the feed's events past that position are applied after, so nothing committed is
 * missed or applied twice. Bounded: at most `budget` bytes across experiments (counted per run and
 * per metric value), least recently searched out first; an experiment larger than the budget alone
 * is not held, and its searches stay in SQL.
 */
import type pg from 'pg';
import { replacesLatest } from '@lablog/schema';
import type { FeedEvent } from '../ChangeFeed.js';
import type { MetricPoint, RunInfoRecord } from '../records.js';
import type { PgChangeFeed } from './PgChangeFeed.js';

/** Bytes held at most by default (the column cache's budget): ~800,000 runs, or 100,000 runs with 36 metrics each. */
export const INDEX_BYTES = 128 * 1024 * 1024;
/**
 * What a run costs held (its id, start time, lifecycle, slot), a metric value (value, step,
 * timestamp), an experiment — estimates on the high side: 100,000 runs with two metrics each held
 * 20.4 MB of heap (measured with --expose-gc), where these count 22.4 MB.
 */
const RUN_BYTES = 160;
const VALUE_BYTES = 32;
const EXPERIMENT_BYTES = 1024;

/** How long an experiment too large to hold is searched in SQL before its size is read again. */
const REFUSED_FOR_MS = 60_000;
/** Refusals remembered at most. */
const REFUSED_KEPT = 1000;

/** One metric's latest value per run slot (undefined where the run lacks it). */
export interface MetricColumn {
  value: (number | undefined)[];
  step: number[];
  ts: number[];
}

/** The runs of one experiment, a slot each, in the order they were first seen. */
export interface ExperimentRuns {
  readonly runIds: string[];
  readonly startTimes: number[];
  readonly lifecycles: string[];
  readonly metrics: Map<string, MetricColumn>;
}

interface Held extends ExperimentRuns {
  readonly slots: Map<string, number>;
  /** The feed position the snapshot it was loaded from includes. */
  readonly loadedAt: number;
  bytes: number;
}

interface Loading {
  /** Events for the experiment delivered while its snapshot is read. */
  readonly pending: FeedEvent[];
  readonly done: Promise<Held | null>;
}

/** Latest metrics of recently searched experiments, kept by the feed. */
export class LatestMetricsIndex {
  // a Map iterates in insertion order: re-inserting on use keeps the least recent first
  private readonly held = new Map<string, Held>();
  private readonly loading = new Map<string, Loading>();
  private bytes = 0;
  /** When experiments too large to hold were last refused: read again only after REFUSED_FOR_MS. */
  private readonly refused = new Map<string, number>();

  /**
   * @param budget bytes held at most (LABLOG_PG_SEARCH_INDEX_BYTES); 0 holds nothing
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly feed: PgChangeFeed,
    private readonly budget = INDEX_BYTES,
  ) {
    feed.subscribe((e) => this.apply(e));
  }

  /**
   * The runs of `experimentId` with everything committed before this call, when held; null
   * when not (yet): the first search of an experiment starts reading it and is answered in SQL,
   * so no search waits for a load; an experiment too large to hold stays in SQL.
   */
  async runs(experimentId: string): Promise<ExperimentRuns | null> {
    if (this.budget <= 0) return null;
    // whatever any agent committed before now, delivered (a read of the events past the feed's last)
    await this.feed.poll();
    const held = this.held.get(experimentId);
    if (held) {
      this.held.delete(experimentId);
      this.held.set(experimentId, held);
      return held;
    }
    const refusedAt = this.refused.get(experimentId);
    if (refusedAt === undefined || Date.now() - refusedAt > REFUSED_FOR_MS) {
      // a failed read is tried again by the next search
      void this.loaded(experimentId).catch(() => undefined);
    }
    return null;
  }

  /** The runs of `experimentId`, read first when not held; null when too large to hold. */
  async loaded(experimentId: string): Promise<ExperimentRuns | null> {
    if (this.budget <= 0) return null;
    const held = this.held.get(experimentId);
    if (held) return held;
    let loading = this.loading.get(experimentId);
    if (!loading) {
      const pending: FeedEvent[] = [];
      const done = this.load(experimentId, pending).finally(() => this.loading.delete(experimentId));
      loading = { pending, done };
      this.loading.set(experimentId, loading);
    }
    return loading.done;
  }

  /** Reads the experiment's runs and latest metrics in one snapshot, then applies what came after it. */
  private async load(experimentId: string, pending: FeedEvent[]): Promise<Held | null> {
    const c = await this.pool.connect();
    let held: Held;
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const size = await c.query<{ n: number }>(
        'SELECT $2::int8 + $3::int8 * (SELECT count(*) FROM runs WHERE experiment_id = $1) + $4::int8 * (SELECT count(*) FROM latest_metrics WHERE experiment_id = $1) AS n',
        [experimentId, EXPERIMENT_BYTES, RUN_BYTES, VALUE_BYTES],
      );
      if (Number(size.rows[0]!.n) > this.budget) {
        await c.query('COMMIT');
        // remembered a while, not forever: the map stays small whatever ids searches name
        if (this.refused.size >= REFUSED_KEPT) this.refused.clear();
        this.refused.set(experimentId, Date.now());
        return null;
      }
      const at = await c.query<{ seq: number }>('SELECT coalesce(max(seq), 0)::int8 AS seq FROM events');
      const runs = await c.query<Pick<RunInfoRecord, 'run_id' | 'start_time' | 'lifecycle_stage'> & { rid: number }>(
        'SELECT rid, run_id, start_time, lifecycle_stage FROM runs WHERE experiment_id = $1',
        [experimentId],
      );
      const metrics = await c.query<{ rid: number; key: string; value: number; step: number; ts: number }>(
        'SELECT rid, key, value, step, ts FROM latest_metrics WHERE experiment_id = $1',
        [experimentId],
      );
      await c.query('COMMIT');
      held = { runIds: [], startTimes: [], lifecycles: [], metrics: new Map(), slots: new Map(), loadedAt: Number(at.rows[0]!.seq), bytes: EXPERIMENT_BYTES };
      const byRid = new Map<number, number>();
      for (const r of runs.rows) byRid.set(r.rid, this.slot(held, r));
      for (const m of metrics.rows) {
        const slot = byRid.get(m.rid);
        if (slot !== undefined) this.setLatest(held, slot, m.key, m.value, m.step, m.ts);
      }
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
    this.held.set(experimentId, held);
    this.bytes += held.bytes;
    for (const e of pending) this.applyTo(held, e);
    this.evict(experimentId);
    return held;
  }

  private apply(e: FeedEvent): void {
    const id = experimentOf(e);
    if (id === undefined) return;
    const held = this.held.get(id);
    if (held) {
      const before = held.bytes;
      this.applyTo(held, e);
      this.bytes += held.bytes - before;
      if (this.bytes > this.budget) this.evict(id);
    } else this.loading.get(id)?.pending.push(e);
  }

  private applyTo(held: Held, { seq, event }: FeedEvent): void {
    // already in the snapshot the experiment was loaded from
    if (seq <= held.loadedAt) return;
    if (event.type === 'run') {
      const slot = this.slot(held, event.run.info);
      held.lifecycles[slot] = event.run.info.lifecycle_stage;
    } else if (event.type === 'metrics') {
      const slot = held.slots.get(event.run_id);
      if (slot === undefined) return;
      for (const p of event.metrics) this.offer(held, slot, p);
    }
  }

  /** The run's slot, made on first sight. */
  private slot(held: Held, run: Pick<RunInfoRecord, 'run_id' | 'start_time' | 'lifecycle_stage'>): number {
    let slot = held.slots.get(run.run_id);
    if (slot === undefined) {
      slot = held.runIds.length;
      held.slots.set(run.run_id, slot);
      held.runIds.push(run.run_id);
      held.startTimes.push(run.start_time);
      held.lifecycles.push(run.lifecycle_stage);
      held.bytes += RUN_BYTES;
    }
    return slot;
  }

  /** A logged point: the run's latest value of its key when the shared rule says it replaces it. */
  private offer(held: Held, slot: number, p: MetricPoint): void {
    const col = held.metrics.get(p.key);
    if (col?.value[slot] !== undefined && !replacesLatest(p, { step: col.step[slot]!, timestamp: col.ts[slot]! })) return;
    this.setLatest(held, slot, p.key, p.value, p.step, p.timestamp);
  }

  private setLatest(held: Held, slot: number, key: string, value: number, step: number, ts: number): void {
    let col = held.metrics.get(key);
    if (!col) held.metrics.set(key, (col = { value: [], step: [], ts: [] }));
    if (col.value[slot] === undefined) held.bytes += VALUE_BYTES;
    col.value[slot] = value;
    col.step[slot] = step;
    col.ts[slot] = ts;
  }

  /** Drops the least recently searched experiments (never `keep`) until the budget holds. */
  private evict(keep: string): void {
    for (const [id, held] of this.held) {
      if (this.bytes <= this.budget) return;
      if (id === keep) continue;
      this.held.delete(id);
      this.bytes -= held.bytes;
    }
    // the one kept alone is over the budget: it goes too, and is read again (and refused) next time
    if (this.bytes > this.budget) {
      const held = this.held.get(keep);
      if (held) {
        this.held.delete(keep);
        this.bytes -= held.bytes;
      }
    }
  }
}

function experimentOf({ event }: FeedEvent): string | undefined {
  if (event.type === 'run') return event.run.info.experiment_id;
  if (event.type === 'metrics') return event.experiment_id;
  return undefined;
}
