/**
 * Model registry calls for tests, sent the way the MLflow client sends them: GET with a query
 * string, POST/PATCH/DELETE with a JSON body (DELETE too).
 */
import { get, type Reply } from './mlflowHttp.js';

/** A wire ModelVersion, loosely typed for assertions. */
export interface Version {
  name: string;
  version: string;
  current_stage: string;
  status: string;
  source: string;
  run_id: string;
  run_link: string;
  description: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  tags?: Array<{ key: string; value: string }>;
  aliases?: string[];
}

/** A wire RegisteredModel, loosely typed for assertions. */
export interface Model {
  name: string;
  description?: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  latest_versions?: Version[];
  tags?: Array<{ key: string; value: string }>;
  aliases?: Array<{ alias: string; version: string }>;
}

/** Sends `body` as JSON with `method` to `${base}/api/2.0/mlflow/${path}`. */
export async function send<T = Record<string, unknown>>(base: string, method: 'POST' | 'PATCH' | 'DELETE', path: string, body: unknown): Promise<Reply<T>> {
  const res = await fetch(`${base}/api/2.0/mlflow/${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

/** Creates a registered model; throws unless it answers 200. */
export async function createModel(base: string, name: string, extra: Record<string, unknown> = {}): Promise<Model> {
  const r = await send<{ registered_model: Model }>(base, 'POST', 'registered-models/create', { name, ...extra });
  if (r.status !== 200) throw new Error(`registered-models/create: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.registered_model;
}

/** Creates a model version; throws unless it answers 200. */
export async function createVersion(base: string, name: string, source = 'mlflow-artifacts:/0/r/artifacts/model', extra: Record<string, unknown> = {}): Promise<Version> {
  const r = await send<{ model_version: Version }>(base, 'POST', 'model-versions/create', { name, source, ...extra });
  if (r.status !== 200) throw new Error(`model-versions/create: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.model_version;
}

/** GETs a registered model (status and body). */
export function getModel(base: string, name: string): Promise<Reply<{ registered_model: Model; error_code?: string }>> {
  return get(base, 'registered-models/get', { name });
}

/** GETs a model version (status and body). */
export function getVersion(base: string, name: string, version: string): Promise<Reply<{ model_version: Version; error_code?: string }>> {
  return get(base, 'model-versions/get', { name, version });
}

/** Moves a version to a stage; returns the reply. */
export function transition(base: string, name: string, version: string, stage: string, archive = false): Promise<Reply<{ model_version: Version; error_code?: string }>> {
  return send(base, 'POST', 'model-versions/transition-stage', { name, version, stage, archive_existing_versions: archive });
}
