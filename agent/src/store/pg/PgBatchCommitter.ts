/**
 * Group commit of log batches on PostgreSQL: batches that arrive while a commit is under way go
 * into the next transaction together (at most MAX_GROUP), one commit and one WAL flush for all,
 * each under a savepoint of its own so that a refused batch refuses only itself; each caller is
 * answered once its batch is committed or refused. Inside, the rules of a batch: the run must be
 * active, a param never changes value, a batch a client resends is stored once, the metrics that
 * name a logged model are its metrics too (the model must be there; written in the same transaction).
 */
import type pg from 'pg';
import { invalidParameter } from '../../errors.js';
import type { BatchOrigin } from '../MetricLog.js';
import { pointLines } from '../PointJson.js';
import { RUN_NAME_TAG, type StoreEvent } from '../records.js';
import type { Batch } from '../TrackingStore.js';
import { loggedModelEdits } from '../../loggedModels/loggedModelRules.js';
import { editLoggedModel } from './PgLoggedModels.js';
import { insertPoints } from './pgPointWrites.js';
import { lockRun, type PgTransactions } from './PgTransactions.js';

/** Most batches committed in one transaction. */
const MAX_GROUP = 64;

/** A batch waiting for its group's commit. */
interface PendingBatch {
  runId: string;
  batch: Batch;
  origin: BatchOrigin | undefined;
  resolve(): void;
  reject(err: unknown): void;
}

/** The log-batch writer of a PostgreSQL store. */
export class PgBatchCommitter {
  private readonly batches: PendingBatch[] = [];
  private committing = false;

  constructor(private readonly transactions: PgTransactions) {}

  /**
   * Batches are group-committed: those that arrive while a commit is under way go into the next
   * transaction together (one commit, one WAL flush for all), each under a savepoint of its own
   * so that one refused batch refuses only itself. Each caller is answered once its batch is
   * committed (or refused).
   */
  submit(runId: string, batch: Batch, origin?: BatchOrigin): Promise<void> {
    return new Promise((resolve, reject) => {
      this.batches.push({ runId, batch, origin, resolve, reject });
      void this.commit();
    });
  }

  private async commit(): Promise<void> {
    if (this.committing) return;
    this.committing = true;
    try {
      while (this.batches.length > 0) {
        // in run id order, as every agent takes the runs' row locks: no two groups deadlock. A
        // batch naming logged models is committed alone (its run's lock, then its models' in id
        // order): in a group, a later run's lock taken after an earlier batch's model lock could
        // close a cycle with another agent's group
        const alone = this.batches[0]!.batch.models?.size ? 1 : this.batches.findIndex((b) => (b.batch.models?.size ?? 0) > 0);
        const group = this.batches.splice(0, alone === -1 ? MAX_GROUP : Math.min(alone, MAX_GROUP)).sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
        let failures: unknown[];
        try {
          failures = await this.transactions.run(async (c, changed) => {
            if (group.length === 1) {
              await this.writeBatch(c, group[0]!, changed);
              return [undefined];
            }
            const out: unknown[] = [];
            for (const item of group) {
              await c.query('SAVEPOINT batch');
              try {
                const mine: StoreEvent[] = [];
                await this.writeBatch(c, item, mine);
                await c.query('RELEASE SAVEPOINT batch');
                changed.push(...mine);
                out.push(undefined);
              } catch (err) {
                await c.query('ROLLBACK TO SAVEPOINT batch');
                out.push(err ?? new Error('refused'));
              }
            }
            return out;
          });
        } catch (err) {
          for (const item of group) item.reject(err);
          continue;
        }
        group.forEach((item, i) => (failures[i] === undefined ? item.resolve() : item.reject(failures[i])));
      }
    } finally {
      this.committing = false;
    }
  }

  /** Writes one batch in the group's transaction; the rules read the run under its row lock. */
  private async writeBatch(c: pg.PoolClient, { runId, batch, origin }: PendingBatch, changed: StoreEvent[]): Promise<void> {
    const row = await lockRun(c, runId, true);
    if (origin) {
      const { rows } = await c.query<{ seq: number }>('SELECT seq FROM client_batches WHERE rid = $1 AND client = $2', [row.rid, origin.client]);
      // sent again after a reconnect: it was committed before (the run's lock orders us after it)
      if (rows.length > 0 && rows[0]!.seq >= origin.seq) return;
      await c.query('INSERT INTO client_batches VALUES ($1, $2, $3) ON CONFLICT (rid, client) DO UPDATE SET seq = EXCLUDED.seq', [row.rid, origin.client, origin.seq]);
    }
    const { run_id, experiment_id } = row;
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(batch.params)) {
      const old = Object.hasOwn(row.params, key) ? row.params[key] : undefined;
      if (old === undefined) Object.defineProperty(params, key, { value, enumerable: true, writable: true, configurable: true });
      else if (old !== value) {
        throw invalidParameter(
          `Changing param values is not allowed. Param with key='${key}' was already logged with value='${old}' for run ID='${run_id}'. Attempted logging new value '${value}'.`,
        );
      }
    }
    const tagKeys = Object.keys(batch.tags);
    if (Object.keys(params).length > 0 || tagKeys.length > 0) {
      const name = Object.hasOwn(batch.tags, RUN_NAME_TAG) ? batch.tags[RUN_NAME_TAG] : undefined;
      await c.query('UPDATE runs SET params = params || $2, tags = tags || $3, run_name = coalesce(nullif($4, \'\'), run_name) WHERE rid = $1', [row.rid, params, batch.tags, name ?? null]);
    }
    if (batch.metrics.length > 0) await insertPoints(c, row.rid, experiment_id, batch.metrics);
    for (const modelId of [...(batch.models?.keys() ?? [])].sort()) await editLoggedModel(c, modelId, loggedModelEdits.logMetrics(batch.models!.get(modelId)!));
    if (Object.keys(params).length > 0) changed.push({ type: 'params', run_id, experiment_id, params });
    if (tagKeys.length > 0) changed.push({ type: 'tags', run_id, experiment_id, tags: batch.tags });
    if (batch.metrics.length > 0) changed.push({ type: 'metrics', run_id, experiment_id, metrics: batch.metrics, lines: pointLines(batch.metrics) });
  }
}
