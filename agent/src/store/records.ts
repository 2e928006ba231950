/**
 * What the store keeps, in the shape it keeps it. Field names follow MLflow's wire names so
 * the files read like the API (see README "Store layout"). Metric values are JS numbers in
 * memory (NaN and ±Infinity included); `jsonCodec.ts` writes those as strings on disk.
 */
import { replacesLatest, type DatasetInput, type LifecycleStage, type RunStatus } from '@lablog/schema';

/** The tag MLflow keeps in step with a run's name. */
export const RUN_NAME_TAG = 'mlflow.runName';

/** An experiment as stored in `meta/experiments.json`. */
export interface ExperimentRecord {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
  tags: Record<string, string>;
}

/** A run's info block. `end_time` is null while the run has not ended. */
export interface RunInfoRecord {
  run_id: string;
  experiment_id: string;
  run_name: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

/** One metric point (the unit of the append-only metric log). */
export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/** The latest value of one metric: highest step wins, then the newest timestamp. */
export type LatestMetric = Omit<MetricPoint, 'key'>;

/** The document `runs/<run_id>/run.json`. */
export interface RunDoc {
  info: RunInfoRecord;
  params: Record<string, string>;
  tags: Record<string, string>;
  inputs: DatasetInput[];
  /** Latest value per metric key, summarised from `metrics.jsonl`. */
  latest_metrics: Record<string, LatestMetric>;
  /** Bytes of `metrics.jsonl` that `latest_metrics` already covers; the rest is replayed on open. */
  metrics_bytes: number;
  /** Last batch seq committed per client of the live channel (within `metrics_bytes`). */
  client_batches?: Record<string, number>;
  /** MLflow 3 logged models the run produced (`runs/outputs`); absent until there is one. */
  model_outputs?: ModelOutputRecord[];
  /** MLflow 3 logged models the run used (`runs/log-inputs` with `models`); absent until there is one. */
  model_inputs?: ModelInputRecord[];
}

/** A logged model a run used as an input. */
export interface ModelInputRecord {
  model_id: string;
}

/** A logged model a run produced, at a step. */
export interface ModelOutputRecord {
  model_id: string;
  step: number;
}

/** What a run-level write changes; used by the store's commit announcements. */
export type StoreEvent =
  | { type: 'experiment'; experiment: ExperimentRecord }
  | { type: 'run'; run: RunDoc }
  | { type: 'params'; run_id: string; experiment_id: string; params: Record<string, string> }
  | { type: 'tags'; run_id: string; experiment_id: string; tags: Record<string, string>; deleted?: string[] }
  /** `lines`: the points as written to the metric log, one wire-JSON object a line. */
  | { type: 'metrics'; run_id: string; experiment_id: string; metrics: MetricPoint[]; lines: string }
  | { type: 'inputs'; run_id: string; experiment_id: string; inputs: DatasetInput[] }
  | { type: 'artifact'; run_id: string; experiment_id: string; path: string; file_size: number; deleted?: boolean }
  /** A model registry change; `name` is the model's (new) name, `version` set for version-level changes. */
  | { type: 'registry'; name: string; version?: string; change: RegistryChange };

/** What a registry change did. */
export type RegistryChange =
  | 'model_created'
  | 'model_renamed'
  | 'model_updated'
  | 'model_deleted'
  | 'model_tag'
  | 'version_created'
  | 'version_updated'
  | 'version_stage'
  | 'version_deleted'
  | 'version_tag'
  | 'alias_set'
  | 'alias_deleted';

/** Returns true when point `a` should replace `b` as the latest value (the shared rule, see @lablog/schema). */
export const isNewer: (a: LatestMetric, b: LatestMetric) => boolean = replacesLatest;
