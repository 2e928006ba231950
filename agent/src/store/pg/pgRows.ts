/**
 * Rows of the PostgreSQL store as the store's records (the same records the file engine hands
 * out), and the pool's type parsing: int8 as JS numbers (ids, steps and timestamps in ms fit in
 * 2^53), float8 with NaN and ±Infinity as they are.
 */
import pg from 'pg';
import type { DatasetInput, LifecycleStage } from '@lablog/schema';
import type { ExperimentRecord, LatestMetric, ModelInputRecord, ModelOutputRecord, RunDoc, RunInfoRecord } from '../records.js';

/** Type parsers of the store's pool. */
export const PG_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** A row of `experiments`. */
export interface ExperimentRow {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
  tags: Record<string, string>;
}

/** A row of `runs`: a run's info block and its number, params, tags, inputs and outputs. */
export interface RunRow extends RunInfoRecord {
  rid: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  inputs: DatasetInput[];
  model_outputs: ModelOutputRecord[] | null;
  model_inputs: ModelInputRecord[] | null;
}

/** A row of `latest_metrics`. */
export interface LatestRow {
  rid: number;
  key: string;
  value: number;
  ts: number;
  step: number;
}

/** An experiment record from its row. */
export function experimentRecord(r: ExperimentRow): ExperimentRecord {
  return {
    experiment_id: r.experiment_id,
    name: r.name,
    artifact_location: r.artifact_location,
    lifecycle_stage: r.lifecycle_stage,
    creation_time: r.creation_time,
    last_update_time: r.last_update_time,
    tags: r.tags,
  };
}

/** A run record from its row and its latest metrics. */
export function runRecord(r: RunRow, latest: readonly LatestRow[]): RunDoc {
  const latest_metrics: Record<string, LatestMetric> = {};
  for (const m of latest) Object.defineProperty(latest_metrics, m.key, { value: { value: m.value, timestamp: m.ts, step: m.step }, enumerable: true, writable: true, configurable: true });
  const doc: RunDoc = {
    info: {
      run_id: r.run_id,
      experiment_id: r.experiment_id,
      run_name: r.run_name,
      user_id: r.user_id,
      status: r.status,
      start_time: r.start_time,
      end_time: r.end_time,
      artifact_uri: r.artifact_uri,
      lifecycle_stage: r.lifecycle_stage,
    },
    params: r.params,
    tags: r.tags,
    inputs: r.inputs,
    latest_metrics,
    metrics_bytes: 0,
  };
  if (r.model_outputs) doc.model_outputs = r.model_outputs;
  if (r.model_inputs) doc.model_inputs = r.model_inputs;
  return doc;
}

/** Run records of rows, with their latest metrics read in one query. */
export async function runRecords(q: pg.Pool | pg.PoolClient, rows: readonly RunRow[]): Promise<RunDoc[]> {
  if (rows.length === 0) return [];
  const { rows: latest } = await q.query<LatestRow>('SELECT rid, key, value, ts, step FROM latest_metrics WHERE rid = ANY($1::int8[])', [rows.map((r) => r.rid)]);
  const byRun = new Map<number, LatestRow[]>();
  for (const m of latest) {
    let list = byRun.get(m.rid);
    if (!list) byRun.set(m.rid, (list = []));
    list.push(m);
  }
  return rows.map((r) => runRecord(r, byRun.get(r.rid) ?? []));
}

/** A copy of `rec` with `key` set as an own property, whatever the key. */
export function withKey(rec: Readonly<Record<string, string>>, key: string, value: string): Record<string, string> {
  const out = { ...rec };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}
