/**
 * MLflow tracking entities as they travel on the wire (proto field names, snake_case).
 * Responses are built from these types; `Metric`, `Dataset` and `DatasetInput` are also
 * request parts.
 */
import { Type, type Static } from 'typebox';
import { Double, Int64, KeyValue, RunStatus } from './scalars.js';

/** One metric point. `step` defaults to 0. */
export const Metric = Type.Object({
  key: Type.String(),
  value: Double,
  timestamp: Int64,
  step: Type.Optional(Int64),
  // MLflow 3: the logged model and dataset a metric is about
  model_id: Type.Optional(Type.String()),
  dataset_name: Type.Optional(Type.String()),
  dataset_digest: Type.Optional(Type.String()),
});
export type Metric = Static<typeof Metric>;

/** A dataset reference logged as a run input. */
export const Dataset = Type.Object({
  name: Type.String(),
  digest: Type.String(),
  source_type: Type.String(),
  source: Type.String(),
  schema: Type.Optional(Type.String()),
  profile: Type.Optional(Type.String()),
});
export type Dataset = Static<typeof Dataset>;

/** A dataset used by a run, with input tags such as `mlflow.data.context`. */
export const DatasetInput = Type.Object({
  tags: Type.Optional(Type.Array(KeyValue)),
  dataset: Dataset,
});
export type DatasetInput = Static<typeof DatasetInput>;

/** Wire form of a metric point as the agent returns it. */
export interface WireMetric {
  key: string;
  value: number | 'NaN' | 'Infinity' | '-Infinity';
  timestamp: number;
  step: number;
}

/** Wire form of a metric point tagged with its run (get-history-bulk-interval). */
export interface WireMetricWithRunId extends WireMetric {
  run_id: string;
}

/** Wire form of RunInfo; carries both `run_id` and the deprecated `run_uuid`. */
export interface WireRunInfo {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

/** Wire form of a Run. */
export interface WireRun {
  info: WireRunInfo;
  data: { metrics?: WireMetric[]; params?: KeyValue[]; tags?: KeyValue[] };
  /** Dataset inputs; MLflow 3: also the logged models the run used (absent when none). */
  inputs: { dataset_inputs?: DatasetInput[]; model_inputs?: Array<{ model_id: string }> };
  /** MLflow 3: the logged models the run produced; absent when there are none. */
  outputs?: { model_outputs?: Array<{ model_id: string; step: number }> };
}

/** Wire form of an Experiment. */
export interface WireExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  last_update_time: number;
  creation_time: number;
  tags?: KeyValue[];
}

/** Lifecycle stage of runs and experiments. */
export type LifecycleStage = 'active' | 'deleted';

/** MLflow's error body: `{error_code, message}`. */
export const ErrorBody = Type.Object({ error_code: Type.String(), message: Type.String() }, { $id: 'lablog.ErrorBody' });
export type ErrorBody = Static<typeof ErrorBody>;
