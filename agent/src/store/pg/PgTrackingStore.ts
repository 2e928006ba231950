/**
 * The PostgreSQL engine of `TrackingStore` (`lablog serve --store postgresql://…`): several
 * agents on one database are one server. Each operation is one transaction; every rule that
 * reads existing state reads it under a row lock (`FOR UPDATE` on the run or experiment) or a
 * constraint (unique experiment names, one row per run id), so it holds across agents. The
 * changes a transaction makes are numbered into the events table inside it (see PgChangeFeed):
 * acknowledged means committed, and every agent's feed delivers it in commit order.
 *
 * Transactions and their event numbering are PgTransactions'; experiments are PgExperiments'; log
 * batches are group-committed by PgBatchCommitter (points kept in chunks, see metricChunks; the
 * latest value per key upserted with them); histories and downsampling read the chunks through
 * PgColumnCache (pgMetricHistory, pgDownsample); searches run in SQL (pgRunSearch,
 * pgExperimentSearch), metric searches over LatestMetricsIndex; a live subscriber's snapshot is pgScopeState's.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DatasetInput, DownsampleReply, Scope } from '@lablog/schema';
import { invalidParameter, notFound } from '../../errors.js';
import { loggedModelNotFound } from '../../loggedModels/loggedModelRules.js';
import type { BatchOrigin } from '../MetricLog.js';
import { appendLoggedModel, LOG_MODEL_HISTORY_TAG } from '../logModelHistory.js';
import { RUN_NAME_TAG, type ExperimentRecord, type MetricPoint, type ModelInputRecord, type ModelOutputRecord, type RunDoc, type StoreEvent } from '../records.js';
import { randomRunName } from '../runNames.js';
import type { Batch, CountedPoints, DownsampleRequest, NewRun, Page, RunUpdate, ScopeState, SearchRequest, TrackingStore } from '../TrackingStore.js';
import { migrate } from './migrations.js';
import { PgBatchCommitter } from './PgBatchCommitter.js';
import { PgColumnCache, type MetricAt } from './PgColumnCache.js';
import { PgExperiments } from './PgExperiments.js';
import { pgScopeState } from './pgScopeState.js';
import { FEED_APPLICATION, PgChangeFeed } from './PgChangeFeed.js';
import { lockRun, PgTransactions } from './PgTransactions.js';
import { pgDownsample } from './pgDownsample.js';
import { pgMetricHistory } from './pgMetricHistory.js';
import { experimentRecord, PG_TYPES, runRecord, runRecords, withKey, type ExperimentRow, type RunRow } from './pgRows.js';
import { pgSearchExperiments } from './pgExperimentSearch.js';
import { pgCountRuns, pgSearchRuns } from './pgRunSearch.js';
import { LatestMetricsIndex } from './LatestMetricsIndex.js';
import { newDatasetInputs, newModelInputs } from '../datasetInputs.js';

/** Connections the agent opens at most, registry and logged models included (the feed's LISTEN connection aside). */
const POOL_SIZE = 8;
/**
 * Events kept for viewers that resume (a metric batch's event holds its points, so the table is
 * bounded by count and by age); older ones are trimmed every minute. A viewer further behind
 * gets a snapshot.
 */
const EVENTS_KEPT = 200_000;
const EVENTS_KEPT_FOR = '15 minutes';

/** The PostgreSQL tracking store. */
export class PgTrackingStore implements TrackingStore {
  readonly engine = 'postgresql';
  private readonly trim: NodeJS.Timeout;
  private closed = false;
  private readonly transactions: PgTransactions;
  private readonly batches: PgBatchCommitter;
  private readonly experiments: PgExperiments;
  /** Columns of recently read metrics, for histories and downsampling (LABLOG_PG_COLUMN_CACHE_BYTES sets its budget). */
  private readonly columns: PgColumnCache;
  /** Latest metrics of recently searched experiments, for metric searches (LABLOG_PG_SEARCH_INDEX_BYTES sets its budget; 0 turns it off). */
  readonly latestMetrics: LatestMetricsIndex;

  private constructor(
    /** The store's connections, shared with the registry and logged models (PgModelStores). */
    readonly pool: pg.Pool,
    readonly feed: PgChangeFeed,
  ) {
    this.transactions = new PgTransactions(pool, feed);
    this.batches = new PgBatchCommitter(this.transactions);
    this.experiments = new PgExperiments(pool, this.transactions);
    this.columns = new PgColumnCache(pool, Number(process.env.LABLOG_PG_COLUMN_CACHE_BYTES) > 0 ? Number(process.env.LABLOG_PG_COLUMN_CACHE_BYTES) : undefined);
    const bytes = process.env.LABLOG_PG_SEARCH_INDEX_BYTES;
    this.latestMetrics = new LatestMetricsIndex(pool, feed, bytes !== undefined && Number(bytes) >= 0 ? Number(bytes) : undefined);
    this.trim = setInterval(() => {
      // the newest event always stays: the numbering goes on from it
      void this.pool
        .query(`DELETE FROM events WHERE seq < (SELECT max(seq) FROM events) AND (seq <= (SELECT max(seq) FROM events) - $1 OR at < now() - $2::interval)`, [EVENTS_KEPT, EVENTS_KEPT_FOR])
        .catch(() => undefined);
    }, 60_000);
    this.trim.unref();
  }

  /**
   * Connects, applies the migrations the database lacks and starts the change feed.
   * @param uri `postgresql://user@host:port/db` (libpq's URI; the password is best in PGPASSWORD or ~/.pgpass)
   */
  static async open(uri: string): Promise<PgTrackingStore> {
    // JIT compiles expressions for ~150 ms before a big query runs: more than it saves here
    const pool = new pg.Pool({ connectionString: uri, max: POOL_SIZE, types: PG_TYPES, options: '-c jit=off' });
    // an idle client that loses its connection must not crash the agent; the next query reconnects
    pool.on('error', () => undefined);
    try {
      const c = await pool.connect();
      try {
        await migrate(c);
      } finally {
        c.release();
      }
      const { rows } = await pool.query<{ value: string }>("SELECT value FROM lablog_meta WHERE key = 'database_id'");
      const feed = await PgChangeFeed.open(pool, () => new pg.Client({ connectionString: uri, types: PG_TYPES, application_name: FEED_APPLICATION }), `pg-${rows[0]!.value}`);
      return new PgTrackingStore(pool, feed);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
  }

  // ---- experiments (PgExperiments)

  createExperiment(name: string, artifactLocation: string | undefined, tags: Record<string, string>): Promise<ExperimentRecord> {
    return this.experiments.create(name, artifactLocation, tags);
  }

  getExperiment(id: string): Promise<ExperimentRecord> {
    return this.experiments.get(id);
  }

  getExperimentByName(name: string): Promise<ExperimentRecord | null> {
    return this.experiments.byName(name);
  }

  searchExperiments(req: SearchRequest): Promise<Page<ExperimentRecord>> {
    return pgSearchExperiments(this.pool, req);
  }

  renameExperiment(id: string, newName: string): Promise<void> {
    return this.experiments.rename(id, newName);
  }

  setExperimentLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    return this.experiments.setLifecycle(id, stage);
  }

  setExperimentTag(id: string, key: string, value: string): Promise<void> {
    return this.experiments.setTag(id, key, value);
  }

  deleteExperimentTag(id: string, key: string): Promise<void> {
    return this.experiments.deleteTag(id, key);
  }

  // ---- runs

  async createRun(spec: NewRun): Promise<RunDoc> {
    return this.transactions.run(async (c, changed) => {
      const { rows: exps } = await c.query<ExperimentRow>('SELECT * FROM experiments WHERE experiment_id = $1 FOR SHARE', [spec.experimentId]);
      if (exps.length === 0) throw notFound(`No Experiment with id=${spec.experimentId} exists`);
      const exp = experimentRecord(exps[0]!);
      if (exp.lifecycle_stage !== 'active') throw invalidParameter(`Could not create run under non-active experiment with ID ${exp.experiment_id}.`);
      const runId = spec.runId ?? randomUUID().replaceAll('-', '');
      const runName = spec.runName || spec.tags[RUN_NAME_TAG] || randomRunName();
      const tags = withKey(spec.tags, RUN_NAME_TAG, runName);
      const artifactUri = `${exp.artifact_location.replace(/\/+$/, '')}/${runId}/artifacts`;
      const { rows } = await c.query<RunRow>(
        `INSERT INTO runs (run_id, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage, params, tags, inputs)
         VALUES ($1, $2, $3, $4, 'RUNNING', $5, NULL, $6, 'active', '{}', $7, '[]') ON CONFLICT (run_id) DO NOTHING RETURNING *`,
        [runId, exp.experiment_id, runName, spec.userId, spec.startTime, artifactUri, tags],
      );
      if (rows.length === 0) {
        // the client's own id again: the run it created before
        const existing = await lockRun(c, runId);
        if (existing.experiment_id !== exp.experiment_id) throw invalidParameter(`Run ${runId} already exists in experiment ${existing.experiment_id}.`);
        return (await runRecords(c, [existing]))[0]!;
      }
      const doc = runRecord(rows[0]!, []);
      changed.push({ type: 'run', run: doc });
      return doc;
    });
  }

  async getRun(runId: string): Promise<RunDoc> {
    const { rows } = await this.pool.query<RunRow>('SELECT * FROM runs WHERE run_id = $1', [runId]);
    if (rows.length === 0) throw notFound(`Run with id=${runId} not found`);
    return (await runRecords(this.pool, rows))[0]!;
  }

  async updateRun(runId: string, update: RunUpdate): Promise<RunDoc> {
    return this.transactions.run(async (c, changed) => {
      const row = await lockRun(c, runId, true);
      const next: RunRow = { ...row };
      if (update.status !== undefined) next.status = update.status;
      if (update.endTime !== undefined) next.end_time = update.endTime;
      if (update.runName) {
        next.run_name = update.runName;
        next.tags = withKey(row.tags, RUN_NAME_TAG, update.runName);
      }
      await c.query('UPDATE runs SET status = $2, end_time = $3, run_name = $4, tags = $5 WHERE rid = $1', [row.rid, next.status, next.end_time, next.run_name, next.tags]);
      const doc = (await runRecords(c, [next]))[0]!;
      changed.push({ type: 'run', run: doc });
      return doc;
    });
  }

  async setRunLifecycle(runId: string, stage: 'active' | 'deleted'): Promise<void> {
    await this.transactions.run(async (c, changed) => {
      const row = await lockRun(c, runId);
      await c.query('UPDATE runs SET lifecycle_stage = $2 WHERE rid = $1', [row.rid, stage]);
      changed.push({ type: 'run', run: runRecord({ ...row, lifecycle_stage: stage }, []) });
    });
  }

  searchRuns(experimentIds: readonly string[], req: SearchRequest): Promise<Page<RunDoc>> {
    return pgSearchRuns(this.pool, experimentIds, req, this.latestMetrics);
  }

  async countRuns(experimentIds: readonly string[], req: Pick<SearchRequest, 'filter' | 'viewType'>): Promise<number> {
    return pgCountRuns(this.pool, experimentIds, req, this.latestMetrics);
  }

  // ---- logging

  logBatch(runId: string, batch: Batch, origin?: BatchOrigin): Promise<void> {
    return this.batches.submit(runId, batch, origin);
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.transactions.run(async (c, changed) => {
      const row = await lockRun(c, runId, true);
      if (!Object.hasOwn(row.tags, key)) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
      await c.query('UPDATE runs SET tags = tags - $2::text WHERE rid = $1', [row.rid, key]);
      changed.push({ type: 'tags', run_id: runId, experiment_id: row.experiment_id, tags: {}, deleted: [key] });
    });
  }

  async logInputs(runId: string, inputs: readonly DatasetInput[], models: readonly ModelInputRecord[] = []): Promise<void> {
    await this.transactions.run(async (c, changed) => {
      const row = await lockRun(c, runId, true);
      const added = newDatasetInputs(row.inputs, inputs);
      if (added.length > 0) {
        await c.query('UPDATE runs SET inputs = inputs || $2::jsonb WHERE rid = $1', [row.rid, JSON.stringify(added)]);
        changed.push({ type: 'inputs', run_id: runId, experiment_id: row.experiment_id, inputs: added });
      }
      const fresh = newModelInputs(row.model_inputs ?? [], models);
      if (fresh.length > 0) await c.query("UPDATE runs SET model_inputs = coalesce(model_inputs, '[]'::jsonb) || $2::jsonb WHERE rid = $1", [row.rid, JSON.stringify(fresh)]);
    });
  }

  async logModel(runId: string, model: object): Promise<void> {
    await this.transactions.run(async (c, changed) => {
      const row = await lockRun(c, runId, true);
      const history = appendLoggedModel(Object.hasOwn(row.tags, LOG_MODEL_HISTORY_TAG) ? row.tags[LOG_MODEL_HISTORY_TAG] : undefined, model);
      const tags = withKey({}, LOG_MODEL_HISTORY_TAG, history);
      await c.query('UPDATE runs SET tags = tags || $2 WHERE rid = $1', [row.rid, tags]);
      changed.push({ type: 'tags', run_id: runId, experiment_id: row.experiment_id, tags });
    });
  }

  async logOutputs(runId: string, outputs: readonly ModelOutputRecord[]): Promise<void> {
    await this.transactions.run(async (c, changed) => {
      const row = await lockRun(c, runId, true);
      // the models stay while this commits (a delete waits for it)
      const ids = [...new Set(outputs.map((o) => o.model_id))];
      const { rows } = await c.query<{ model_id: string }>("SELECT model_id FROM logged_models WHERE model_id = ANY($1::text[]) AND lifecycle_stage = 'active' FOR SHARE", [ids]);
      const missing = ids.find((id) => !rows.some((r) => r.model_id === id));
      if (missing !== undefined) throw loggedModelNotFound(missing);
      const recorded = [...(row.model_outputs ?? [])];
      let added = 0;
      for (const o of outputs) {
        if (recorded.some((r) => r.model_id === o.model_id && r.step === o.step)) continue;
        recorded.push(o);
        added++;
      }
      if (added === 0) return;
      await c.query('UPDATE runs SET model_outputs = $2::jsonb WHERE rid = $1', [row.rid, JSON.stringify(recorded)]);
      changed.push({ type: 'run', run: (await runRecords(c, [{ ...row, model_outputs: recorded }]))[0]! });
    });
  }

  // ---- metric reads

  async metricHistory(runId: string, key: string, range?: { offset: number; limit: number }): Promise<MetricPoint[]> {
    return (await this.metricHistoryAt(runId, key, range)).points;
  }

  async metricHistoryAt(runId: string, key: string, range?: { offset: number; limit: number }): Promise<CountedPoints> {
    const at = await this.metricAt(runId, key);
    return { points: await pgMetricHistory(this.pool, this.columns, at, range), count: at.total };
  }

  async metricPointCount(runId: string, key: string): Promise<number> {
    return (await this.metricAt(runId, key)).total;
  }

  async downsample(runId: string, key: string, req: DownsampleRequest): Promise<DownsampleReply> {
    return pgDownsample(this.pool, this.columns, await this.metricAt(runId, key), req);
  }

  /** The run's number and the metric's point count, in one query (every metric read starts here). */
  private async metricAt(runId: string, key: string): Promise<MetricAt> {
    const { rows } = await this.pool.query<{ rid: number; total: number }>(
      'SELECT r.rid, (SELECT coalesce(sum(n), 0)::int8 FROM metric_chunks c WHERE c.rid = r.rid AND c.key = $2) AS total FROM runs r WHERE r.run_id = $1',
      [runId, key],
    );
    if (rows.length === 0) throw notFound(`Run with id=${runId} not found`);
    return { rid: rows[0]!.rid, key, total: rows[0]!.total };
  }

  // ---- what the folder store still keeps

  /**
   * Records a change made outside this store (an artifact written, a registry change) in the
   * feed, so that viewers on every agent see it in order with the rest.
   */
  async announce(event: StoreEvent): Promise<void> {
    await this.transactions.run(async (_c, changed) => {
      changed.push(event);
    });
  }

  /**
   * A lookup of every run's info, for the folder store's readers (artifacts, model sources,
   * notebook snapshots), which read runs synchronously: loaded once, then kept by the feed.
   */
  async runLookup(): Promise<(runId: string) => RunDoc | undefined> {
    const infos = new Map<string, RunDoc>();
    const keep = (doc: RunDoc) => infos.set(doc.info.run_id, { info: doc.info, params: {}, tags: {}, inputs: [], latest_metrics: {}, metrics_bytes: 0 });
    this.feed.subscribe(({ event }) => {
      if (event.type === 'run') keep(event.run);
    });
    const { rows } = await this.pool.query<RunRow>(
      `SELECT rid, run_id, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage, '{}'::jsonb AS params, '{}'::jsonb AS tags, '[]'::jsonb AS inputs, NULL AS model_outputs, NULL AS model_inputs FROM runs`,
    );
    for (const r of rows) if (!infos.has(r.run_id)) keep(runRecord(r, []));
    return (runId) => infos.get(runId);
  }

  // ---- live

  scopeState(scope: Scope): Promise<ScopeState> {
    return pgScopeState(this.pool, scope);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.trim);
    await this.feed.close();
    await this.pool.end();
  }
}
