/**
 * MLflow 3 logged models as they travel on the wire (`service.proto` LoggedModel, proto field
 * names), and the run outputs that link a run to the models it produced.
 */
import type { WireMetric } from './entities.js';
import type { KeyValue } from './scalars.js';

/** Upload status of a logged model, as protobuf JSON writes the enum. */
export type LoggedModelStatus =
  | 'LOGGED_MODEL_STATUS_UNSPECIFIED'
  | 'LOGGED_MODEL_PENDING'
  | 'LOGGED_MODEL_READY'
  | 'LOGGED_MODEL_UPLOAD_FAILED';

/** Wire form of LoggedModelInfo. */
export interface WireLoggedModelInfo {
  /** `m-` followed by 32 hex digits. */
  model_id: string;
  experiment_id: string;
  name: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  /** `mlflow-artifacts:/<experiment_id>/models/<model_id>/artifacts` */
  artifact_uri: string;
  status: LoggedModelStatus;
  model_type?: string;
  source_run_id?: string;
  status_message?: string;
  tags?: KeyValue[];
}

/** Wire form of a LoggedModel. */
export interface WireLoggedModel {
  info: WireLoggedModelInfo;
  data: { params?: KeyValue[]; metrics?: WireModelMetric[] };
}

/** A metric of a logged model (MLflow 3 `log_metric(..., model_id=, dataset=)`), with its run and dataset. */
export interface WireModelMetric extends WireMetric {
  model_id: string;
  run_id: string;
  dataset_name?: string;
  dataset_digest?: string;
}

/** A model a run produced, at a step. */
export interface WireModelOutput {
  model_id: string;
  step: number;
}
