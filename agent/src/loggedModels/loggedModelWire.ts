/**
 * Logged models between the wire and the store: the LoggedModel entity, and status enums
 * given by name or by number.
 */
import type { LoggedModelStatus, WireLoggedModel, WireLoggedModelInfo, WireModelMetric } from '@lablog/schema';
import { invalidParameter } from '../errors.js';
import { keyValueList, wireDouble } from '../mlflow/wire.js';
import type { LoggedModelDoc } from './loggedModelRecords.js';

const STATUS_BY_NUMBER: readonly LoggedModelStatus[] = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
];

/**
 * A finalize status from the wire (enum name or number).
 * @throws 400 INVALID_PARAMETER_VALUE for UNSPECIFIED: a model has to end READY or UPLOAD_FAILED (or stay PENDING)
 */
export function statusOf(field: LoggedModelStatus | number): LoggedModelStatus {
  const status = typeof field === 'number' ? (STATUS_BY_NUMBER[field] as LoggedModelStatus) : field;
  if (status === 'LOGGED_MODEL_STATUS_UNSPECIFIED') {
    throw invalidParameter("Invalid logged model status 'LOGGED_MODEL_STATUS_UNSPECIFIED': give LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.");
  }
  return status;
}

/** A logged model on the wire. */
export function wireLoggedModel(doc: LoggedModelDoc): WireLoggedModel {
  const i = doc.info;
  const info: WireLoggedModelInfo = {
    model_id: i.model_id,
    experiment_id: i.experiment_id,
    name: i.name,
    creation_timestamp_ms: i.creation_timestamp_ms,
    last_updated_timestamp_ms: i.last_updated_timestamp_ms,
    artifact_uri: i.artifact_uri,
    status: i.status,
    // MLflow 3's server always sends model_type, "" when none was given
    model_type: i.model_type ?? '',
  };
  if (i.source_run_id) info.source_run_id = i.source_run_id;
  if (i.status_message) info.status_message = i.status_message;
  const tags = keyValueList(doc.tags);
  if (tags.length > 0) info.tags = tags;
  const params = keyValueList(doc.params);
  const metrics: WireModelMetric[] = (doc.metrics ?? []).map((m) => ({
    key: m.key,
    value: wireDouble(m.value),
    timestamp: m.timestamp,
    step: m.step,
    model_id: i.model_id,
    run_id: m.run_id,
    ...(m.dataset_name !== undefined ? { dataset_name: m.dataset_name } : {}),
    ...(m.dataset_digest !== undefined ? { dataset_digest: m.dataset_digest } : {}),
  }));
  return { info, data: { ...(params.length > 0 ? { params } : {}), ...(metrics.length > 0 ? { metrics } : {}) } };
}
