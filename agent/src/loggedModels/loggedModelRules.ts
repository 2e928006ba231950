/**
 * MLflow 3's rules for logged models, applied by every engine inside its operations: what a new
 * model is (PENDING, in an active experiment, its files under the experiment's artifact
 * location), a param never changes value, a model keeps the latest value of each metric per
 * dataset (by step, then timestamp), a deleted model is kept but no longer found. Each change is
 * an edit of the model's document that an engine applies to a copy read under its lock (the
 * model's queue in files, its row lock in SQL) and stores whole.
 */
import { replacesLatest, type LoggedModelStatus } from '@lablog/schema';
import { randomUUID } from 'node:crypto';
import { invalidParameter, notFound, type MlflowError } from '../errors.js';
import { assignKeys, getKey, setKey } from '../store/keyedRecord.js';
import type { ExperimentRecord } from '../store/records.js';
import { randomRunName } from '../store/runNames.js';
import type { LoggedModelDoc, ModelMetricRecord } from './loggedModelRecords.js';

/** Fields of a new logged model. Params and tags are already checked. */
export interface NewLoggedModel {
  experimentId: string;
  /** A random name (like a run's) when empty. */
  name?: string | undefined;
  modelType?: string | undefined;
  sourceRunId?: string | undefined;
  params: Record<string, string>;
  tags: Record<string, string>;
}

/**
 * A new model's document: PENDING until finalized, with a fresh `m-<32 hex>` id.
 * @param exp the model's experiment, as read in the operation that creates the model
 * @throws INVALID_PARAMETER_VALUE when the experiment is not active
 */
export function newLoggedModelDoc(exp: ExperimentRecord, spec: NewLoggedModel): LoggedModelDoc {
  if (exp.lifecycle_stage !== 'active') {
    throw invalidParameter(`The experiment ${exp.experiment_id} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`);
  }
  const modelId = `m-${randomUUID().replaceAll('-', '')}`;
  const now = Date.now();
  return {
    info: {
      model_id: modelId,
      experiment_id: exp.experiment_id,
      name: spec.name || randomRunName(),
      creation_timestamp_ms: now,
      last_updated_timestamp_ms: now,
      artifact_uri: `${exp.artifact_location.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
      status: 'LOGGED_MODEL_PENDING',
      model_type: spec.modelType ?? '',
      source_run_id: spec.sourceRunId ?? '',
      status_message: '',
      lifecycle_stage: 'active',
    },
    params: { ...spec.params },
    tags: { ...spec.tags },
  };
}

/**
 * Checks params about to be logged against those logged: the same value again is fine.
 * @throws INVALID_PARAMETER_VALUE when a param would change value
 */
export function checkModelParams(modelId: string, current: Readonly<Record<string, string>>, params: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(params)) {
    const old = Object.hasOwn(current, key) ? current[key] : undefined;
    if (old !== undefined && old !== value) {
      throw invalidParameter(`Changing param values is not allowed. Param with key='${key}' was already logged with value='${old}' for logged model ID='${modelId}'. Attempted logging new value '${value}'.`);
    }
  }
}

/** The model's metrics with `metrics` logged: one value per key and dataset, the latest by step, then timestamp. */
export function withModelMetrics(kept: readonly ModelMetricRecord[], metrics: readonly ModelMetricRecord[]): ModelMetricRecord[] {
  const out = [...kept];
  for (const m of metrics) {
    const at = out.findIndex((k) => k.key === m.key && k.dataset_name === m.dataset_name && k.dataset_digest === m.dataset_digest);
    const old = at >= 0 ? out[at]! : undefined;
    if (!old) out.push(m);
    else if (replacesLatest(m, old)) out[at] = m;
  }
  return out;
}

/** MLflow's answer for a logged model that does not exist or was deleted (404). */
export function loggedModelNotFound(modelId: string): MlflowError {
  return notFound(`Logged model with ID '${modelId}' not found.`);
}

/** A change of a model's document, applied to a copy (it may throw: then nothing is stored). */
export type LoggedModelEdit = (doc: LoggedModelDoc) => void;

/** The changes of a logged model, each one MLflow verb. */
export const loggedModelEdits = {
  /** Sets the status (READY once its files are uploaded, UPLOAD_FAILED when that failed). */
  finalize: (status: LoggedModelStatus): LoggedModelEdit => (doc) => {
    doc.info.status = status;
  },
  /** Deletes the model: it is no longer found; its record and files stay. */
  delete: (): LoggedModelEdit => (doc) => {
    doc.info.lifecycle_stage = 'deleted';
  },
  /** Sets (or overwrites) tags. */
  setTags: (tags: Readonly<Record<string, string>>): LoggedModelEdit => (doc) => assignKeys(doc.tags, tags),
  /** Sets a tag to what `value` makes of its current value (undefined when absent). */
  updateTag: (key: string, value: (old: string | undefined) => string): LoggedModelEdit => (doc) => setKey(doc.tags, key, value(getKey(doc.tags, key))),
  /** Deletes a tag. @throws RESOURCE_DOES_NOT_EXIST when the model has no such tag */
  deleteTag: (key: string): LoggedModelEdit => (doc) => {
    if (!Object.hasOwn(doc.tags, key)) throw notFound(`No tag with key '${key}' found for model with ID '${doc.info.model_id}'.`);
    delete doc.tags[key];
  },
  /** Logs params; the same value again is fine. @throws INVALID_PARAMETER_VALUE when one would change value */
  logParams: (params: Readonly<Record<string, string>>): LoggedModelEdit => (doc) => {
    checkModelParams(doc.info.model_id, doc.params, params);
    assignKeys(doc.params, params);
  },
  /** Records metrics about the model: the latest per key and dataset. */
  logMetrics: (metrics: readonly ModelMetricRecord[]): LoggedModelEdit => (doc) => {
    doc.metrics = withModelMetrics(doc.metrics ?? [], metrics);
  },
};
