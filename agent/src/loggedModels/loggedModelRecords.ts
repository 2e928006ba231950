/**
 * What the store keeps of an MLflow 3 logged model, in the shape `models/<model_id>/model.json`
 * holds it (see README "Store layout"). Field names follow MLflow's wire names.
 */
import type { LifecycleStage, WireLoggedModelInfo } from '@lablog/schema';

/**
 * A logged model's info block: the wire's, every field present (`model_type`, `source_run_id`,
 * `status_message` are `''` when unset), tags kept apart, plus the lifecycle stage.
 */
export type LoggedModelInfoRecord = Required<Omit<WireLoggedModelInfo, 'tags'>> & {
  /** A deleted model is kept on disk but no longer found. */
  lifecycle_stage: LifecycleStage;
};

/**
 * A metric logged about a model: the latest value per key and dataset (by step, then
 * timestamp), as the run's latest metric is chosen.
 */
export interface ModelMetricRecord {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  run_id: string;
  dataset_name?: string;
  dataset_digest?: string;
}

/** The document `models/<model_id>/model.json`. */
export interface LoggedModelDoc {
  info: LoggedModelInfoRecord;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Absent until a metric names the model. */
  metrics?: ModelMetricRecord[];
}
