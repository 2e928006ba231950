/**
 * The PostgreSQL engine of `LoggedModelStore`: MLflow 3 logged models of a team server, shared
 * by every agent on the database. A new model is inserted under a share lock of its experiment's
 * row (so the experiment cannot be deleted between the check and the insert); every change reads
 * the model under its row lock (`FOR UPDATE`), applies the same rules as the file engine
 * (loggedModelRules) to a copy, and writes it back in the same transaction.
 *
 * Searches read the requested experiments' models and apply the shared search rules in memory.
 */
import type pg from 'pg';
import { toWireDouble, type LoggedModelStatus } from '@lablog/schema';
import { notFound } from '../../errors.js';
import type { LoggedModelDoc, LoggedModelInfoRecord, ModelMetricRecord } from '../../loggedModels/loggedModelRecords.js';
import { loggedModelEdits, loggedModelNotFound, newLoggedModelDoc, type LoggedModelEdit } from '../../loggedModels/loggedModelRules.js';
import type { LoggedModelStore, NewLoggedModel } from '../../loggedModels/LoggedModelStore.js';
import { searchLoggedModels, type SearchLoggedModelsRequest } from '../../loggedModels/searchLoggedModels.js';
import type { Page } from '../../search/pageToken.js';
import { jsonToNumber } from '../jsonCodec.js';
import type { PgTransactions } from './PgTransactions.js';
import { experimentRecord, type ExperimentRow } from './pgRows.js';

/** A row of `logged_models`. */
interface LoggedModelRow extends LoggedModelInfoRecord {
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Values as wire doubles: jsonb holds no NaN or ±Infinity. */
  metrics: Array<Omit<ModelMetricRecord, 'value'> & { value: number | string }>;
}

function docOf(r: LoggedModelRow): LoggedModelDoc {
  const { params, tags, metrics, ...info } = r;
  const doc: LoggedModelDoc = { info, params, tags };
  if (metrics.length > 0) doc.metrics = metrics.map((m) => ({ ...m, value: jsonToNumber(m.value) }));
  return doc;
}

/** The row's values of `doc`, in the table's column order. */
function values(doc: LoggedModelDoc): unknown[] {
  const i = doc.info;
  const metrics = (doc.metrics ?? []).map((m) => ({ ...m, value: toWireDouble(m.value) }));
  return [
    i.model_id,
    i.experiment_id,
    i.name,
    i.creation_timestamp_ms,
    i.last_updated_timestamp_ms,
    i.artifact_uri,
    i.status,
    i.model_type,
    i.source_run_id,
    i.status_message,
    i.lifecycle_stage,
    JSON.stringify(doc.params),
    JSON.stringify(doc.tags),
    JSON.stringify(metrics),
  ];
}

const COLUMNS = 'model_id, experiment_id, name, creation_timestamp_ms, last_updated_timestamp_ms, artifact_uri, status, model_type, source_run_id, status_message, lifecycle_stage, params, tags, metrics';
const PLACEHOLDERS = Array.from({ length: 14 }, (_, i) => `$${i + 1}`).join(', ');

/**
 * Applies `edit` to a copy of the model read under its row lock, and writes the copy back, in the
 * caller's transaction (a log batch's, for the metrics naming the model).
 * @throws RESOURCE_DOES_NOT_EXIST when the model is absent or deleted
 */
export async function editLoggedModel(c: pg.PoolClient, modelId: string, edit: LoggedModelEdit): Promise<LoggedModelDoc> {
  const { rows } = await c.query<LoggedModelRow>("SELECT * FROM logged_models WHERE model_id = $1 AND lifecycle_stage = 'active' FOR UPDATE", [modelId]);
  if (rows.length === 0) throw loggedModelNotFound(modelId);
  const next = docOf(rows[0]!);
  edit(next);
  next.info.last_updated_timestamp_ms = Date.now();
  await c.query(`UPDATE logged_models SET (${COLUMNS}) = (${PLACEHOLDERS}) WHERE model_id = $1`, values(next));
  return next;
}

/** The PostgreSQL logged models. */
export class PgLoggedModels implements LoggedModelStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly transactions: PgTransactions,
  ) {}

  createLoggedModel(spec: NewLoggedModel): Promise<LoggedModelDoc> {
    return this.transactions.run(async (c) => {
      const { rows } = await c.query<ExperimentRow>('SELECT * FROM experiments WHERE experiment_id = $1 FOR SHARE', [spec.experimentId]);
      if (rows.length === 0) throw notFound(`No Experiment with id=${spec.experimentId} exists`);
      const doc = newLoggedModelDoc(experimentRecord(rows[0]!), spec);
      await c.query(`INSERT INTO logged_models (${COLUMNS}) VALUES (${PLACEHOLDERS})`, values(doc));
      return doc;
    });
  }

  async getLoggedModel(modelId: string): Promise<LoggedModelDoc> {
    const doc = await this.findLoggedModel(modelId);
    if (!doc) throw loggedModelNotFound(modelId);
    return doc;
  }

  async findLoggedModel(modelId: string): Promise<LoggedModelDoc | null> {
    const { rows } = await this.pool.query<LoggedModelRow>("SELECT * FROM logged_models WHERE model_id = $1 AND lifecycle_stage = 'active'", [modelId]);
    return rows.length === 0 ? null : docOf(rows[0]!);
  }

  /** Applies `edit` to the model in a transaction of its own (editLoggedModel). */
  private edit(modelId: string, edit: LoggedModelEdit): Promise<LoggedModelDoc> {
    return this.transactions.run((c) => editLoggedModel(c, modelId, edit));
  }

  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModelDoc> {
    return this.edit(modelId, loggedModelEdits.finalize(status));
  }

  async deleteLoggedModel(modelId: string): Promise<void> {
    await this.edit(modelId, loggedModelEdits.delete());
  }

  async searchLoggedModels(experimentIds: readonly string[], req: SearchLoggedModelsRequest): Promise<Page<LoggedModelDoc>> {
    const { rows } = await this.pool.query<LoggedModelRow>("SELECT * FROM logged_models WHERE experiment_id = ANY($1::text[]) AND lifecycle_stage = 'active'", [experimentIds]);
    return searchLoggedModels(rows.map(docOf), req);
  }

  setLoggedModelTags(modelId: string, tags: Record<string, string>): Promise<LoggedModelDoc> {
    return this.edit(modelId, loggedModelEdits.setTags(tags));
  }

  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    await this.edit(modelId, loggedModelEdits.deleteTag(key));
  }

  logLoggedModelParams(modelId: string, params: Record<string, string>): Promise<LoggedModelDoc> {
    return this.edit(modelId, loggedModelEdits.logParams(params));
  }
}
