/**
 * MLflow 3's rules for logged models, applied by every engine inside its operations: what a new
 * model is (PENDING, in an active experiment, its files under the experiment's artifact
 * location), a param never changes value, and a model keeps the latest value of each metric per
 * dataset (by step, then timestamp).
 */
import { replacesLatest } from '@lablog/schema';
import { randomUUID } from 'node:crypto';
import { invalidParameter } from '../errors.js';
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
