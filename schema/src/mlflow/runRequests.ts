/**
 * Request schemas of the MLflow run, logging and metric-history endpoints.
 * `run_id` and the deprecated `run_uuid` are both optional in the schema; the agent requires
 * one of them and says which is missing in MLflow's words.
 */
import { Type, type Static } from 'typebox';
import { DatasetInput, Metric } from './entities.js';
import { Double, Int64, KeyValue, QueryList, RunStatus, ViewType } from './scalars.js';

const RunRef = { run_id: Type.Optional(Type.String()), run_uuid: Type.Optional(Type.String()) };

export const CreateRun = Type.Object(
  {
    experiment_id: Type.Optional(Type.String()),
    user_id: Type.Optional(Type.String()),
    run_name: Type.Optional(Type.String()),
    start_time: Type.Optional(Int64),
    tags: Type.Optional(Type.Array(KeyValue)),
    /**
     * lablog extension, never sent by MLflow clients: the id the run should get (32 hex
     * digits), so a client that created a run offline or lost the reply can create it again
     * without making a second run.
     */
    run_id: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}$' })),
  },
  { $id: 'mlflow.CreateRun' },
);
export type CreateRun = Static<typeof CreateRun>;

export const UpdateRun = Type.Object(
  { ...RunRef, status: Type.Optional(RunStatus), end_time: Type.Optional(Int64), run_name: Type.Optional(Type.String()) },
  { $id: 'mlflow.UpdateRun' },
);
export type UpdateRun = Static<typeof UpdateRun>;

export const GetRun = Type.Object(RunRef, { $id: 'mlflow.GetRun' });
export type GetRun = Static<typeof GetRun>;

export const RunId = Type.Object({ run_id: Type.String() }, { $id: 'mlflow.RunId' });
export type RunId = Static<typeof RunId>;

/** `runs/log-metric`: one metric point (the fields of `Metric`) for a run. */
export const LogMetric = Type.Object({ ...RunRef, ...Metric.properties }, { $id: 'mlflow.LogMetric' });
export type LogMetric = Static<typeof LogMetric>;

export const LogParam = Type.Object(
  { ...RunRef, key: Type.String(), value: Type.String() },
  { $id: 'mlflow.LogParam' },
);
export type LogParam = Static<typeof LogParam>;

export const SetTag = Type.Object({ ...RunRef, key: Type.String(), value: Type.String() }, { $id: 'mlflow.SetTag' });
export type SetTag = Static<typeof SetTag>;

export const DeleteTag = Type.Object({ run_id: Type.String(), key: Type.String() }, { $id: 'mlflow.DeleteTag' });
export type DeleteTag = Static<typeof DeleteTag>;

export const LogBatch = Type.Object(
  {
    run_id: Type.String(),
    metrics: Type.Optional(Type.Array(Metric)),
    params: Type.Optional(Type.Array(KeyValue)),
    tags: Type.Optional(Type.Array(KeyValue)),
  },
  { $id: 'mlflow.LogBatch' },
);
export type LogBatch = Static<typeof LogBatch>;

export const LogInputs = Type.Object(
  {
    run_id: Type.String(),
    datasets: Type.Optional(Type.Array(DatasetInput)),
    /** MLflow 3: logged models the run used (`log_metric(model_id=…)` sends them). */
    models: Type.Optional(Type.Array(Type.Object({ model_id: Type.String({ minLength: 1, maxLength: 256 }) }), { maxItems: 1000 })),
  },
  { $id: 'mlflow.LogInputs' },
);
export type LogInputs = Static<typeof LogInputs>;

export const LogModel = Type.Object(
  { ...RunRef, model_json: Type.String() },
  { $id: 'mlflow.LogModel' },
);
export type LogModel = Static<typeof LogModel>;

export const SearchRuns = Type.Object(
  {
    experiment_ids: Type.Optional(Type.Array(Type.String())),
    filter: Type.Optional(Type.String()),
    run_view_type: Type.Optional(ViewType),
    max_results: Type.Optional(Int64),
    order_by: Type.Optional(Type.Array(Type.String())),
    page_token: Type.Optional(Type.String()),
  },
  { $id: 'mlflow.SearchRuns' },
);
export type SearchRuns = Static<typeof SearchRuns>;

export const GetMetricHistory = Type.Object(
  { ...RunRef, metric_key: Type.String(), page_token: Type.Optional(Type.String()), max_results: Type.Optional(Int64) },
  { $id: 'mlflow.GetMetricHistory' },
);
export type GetMetricHistory = Static<typeof GetMetricHistory>;

/** The UI's `metrics/get-history-bulk` (no proto: a Flask handler reading `run_id` repeated, `metric_key`, `max_results`). */
export const GetMetricHistoryBulk = Type.Object(
  { run_id: Type.Optional(QueryList), metric_key: Type.Optional(Type.String()), max_results: Type.Optional(Int64) },
  { $id: 'mlflow.GetMetricHistoryBulk' },
);
export type GetMetricHistoryBulk = Static<typeof GetMetricHistoryBulk>;

export const GetMetricHistoryBulkInterval = Type.Object(
  {
    run_ids: QueryList,
    metric_key: Type.String(),
    start_step: Type.Optional(Int64),
    end_step: Type.Optional(Int64),
    max_results: Type.Optional(Int64),
  },
  { $id: 'mlflow.GetMetricHistoryBulkInterval' },
);
export type GetMetricHistoryBulkInterval = Static<typeof GetMetricHistoryBulkInterval>;


