/**
 * What the store keeps of an MLflow 3 logged model, in the shape `models/<model_id>/model.json`
 * holds it (see README "Store layout"). Field names follow MLflow's wire names.
 */
import type { LifecycleStage, LoggedModelStatus } from '@lablog/schema';

/** A logged model's info block. */
export interface LoggedModelInfoRecord {
  /** `m-` followed by 32 hex digits. */
  model_id: string;
  experiment_id: string;
  name: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  /** `mlflow-artifacts:/<experiment_id>/models/<model_id>/artifacts` */
  artifact_uri: string;
  status: LoggedModelStatus;
  model_type: string;
  /** The run that produced the model; `''` when none. */
  source_run_id: string;
  status_message: string;
  /** A deleted model is kept on disk but no longer found. */
  lifecycle_stage: LifecycleStage;
}

/** The document `models/<model_id>/model.json`. */
export interface LoggedModelDoc {
  info: LoggedModelInfoRecord;
  params: Record<string, string>;
  tags: Record<string, string>;
}
