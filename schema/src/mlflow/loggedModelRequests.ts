/**
 * Request schemas of the MLflow 3 logged-model endpoints (`/api/2.0/mlflow/logged-models/...`)
 * and of `runs/outputs`. The model id and tag key of the paths are route params.
 */
import { Type, type Static } from 'typebox';
import { Int64, KeyValue } from './scalars.js';

/** The `{model_id}` of a logged-model path. */
export const ModelIdParams = Type.Object({ model_id: Type.String() }, { $id: 'mlflow.LoggedModelIdParams' });
export type ModelIdParams = Static<typeof ModelIdParams>;

/** The `{model_id}/tags/{tag_key}` of a tag deletion path; the key is the route's wildcard `*`. */
export const ModelTagParams = Type.Object(
  { model_id: Type.String(), '*': Type.String() },
  { $id: 'mlflow.LoggedModelTagParams' },
);
export type ModelTagParams = Static<typeof ModelTagParams>;

/** A status as protobuf JSON sends it: the enum name, or its number (0–3). */
export const LoggedModelStatusField = Type.Union([
  Type.Literal('LOGGED_MODEL_STATUS_UNSPECIFIED'),
  Type.Literal('LOGGED_MODEL_PENDING'),
  Type.Literal('LOGGED_MODEL_READY'),
  Type.Literal('LOGGED_MODEL_UPLOAD_FAILED'),
  Type.Integer({ minimum: 0, maximum: 3 }),
]);
export type LoggedModelStatusField = Static<typeof LoggedModelStatusField>;

export const CreateLoggedModel = Type.Object(
  {
    experiment_id: Type.String(),
    name: Type.Optional(Type.String()),
    model_type: Type.Optional(Type.String()),
    source_run_id: Type.Optional(Type.String()),
    params: Type.Optional(Type.Array(KeyValue)),
    tags: Type.Optional(Type.Array(KeyValue)),
  },
  { $id: 'mlflow.CreateLoggedModel' },
);
export type CreateLoggedModel = Static<typeof CreateLoggedModel>;

/** PATCH `logged-models/{model_id}`: the model's final status. */
export const FinalizeLoggedModel = Type.Object(
  { model_id: Type.Optional(Type.String()), status: LoggedModelStatusField },
  { $id: 'mlflow.FinalizeLoggedModel' },
);
export type FinalizeLoggedModel = Static<typeof FinalizeLoggedModel>;

/** PATCH `logged-models/{model_id}/tags`. */
export const SetLoggedModelTags = Type.Object(
  { model_id: Type.Optional(Type.String()), tags: Type.Optional(Type.Array(KeyValue)) },
  { $id: 'mlflow.SetLoggedModelTags' },
);
export type SetLoggedModelTags = Static<typeof SetLoggedModelTags>;

/** POST `logged-models/{model_id}/params`. */
export const LogLoggedModelParams = Type.Object(
  { model_id: Type.Optional(Type.String()), params: Type.Optional(Type.Array(KeyValue)) },
  { $id: 'mlflow.LogLoggedModelParams' },
);
export type LogLoggedModelParams = Static<typeof LogLoggedModelParams>;

/** One order_by entry of a logged-model search: an attribute name or `metrics.<key>`. */
export const LoggedModelOrderBy = Type.Object({
  field_name: Type.String(),
  ascending: Type.Optional(Type.Boolean()),
  dataset_name: Type.Optional(Type.String()),
  dataset_digest: Type.Optional(Type.String()),
});
export type LoggedModelOrderBy = Static<typeof LoggedModelOrderBy>;

export const SearchLoggedModels = Type.Object(
  {
    experiment_ids: Type.Array(Type.String()),
    filter: Type.Optional(Type.String()),
    datasets: Type.Optional(Type.Array(Type.Object({ dataset_name: Type.String(), dataset_digest: Type.Optional(Type.String()) }))),
    max_results: Type.Optional(Int64),
    order_by: Type.Optional(Type.Array(LoggedModelOrderBy)),
    page_token: Type.Optional(Type.String()),
  },
  { $id: 'mlflow.SearchLoggedModels' },
);
export type SearchLoggedModels = Static<typeof SearchLoggedModels>;

/** GET `logged-models/{model_id}/artifacts/directories`. */
export const ListLoggedModelArtifacts = Type.Object(
  { artifact_directory_path: Type.Optional(Type.String()), page_token: Type.Optional(Type.String()) },
  { $id: 'mlflow.ListLoggedModelArtifacts' },
);
export type ListLoggedModelArtifacts = Static<typeof ListLoggedModelArtifacts>;

/** A model a run produced, at a step. */
export const ModelOutput = Type.Object({ model_id: Type.String(), step: Int64 });
export type ModelOutput = Static<typeof ModelOutput>;

/** POST `runs/outputs`: the models a run produced. */
export const LogOutputs = Type.Object(
  { run_id: Type.String(), models: Type.Optional(Type.Array(ModelOutput)) },
  { $id: 'mlflow.LogOutputs' },
);
export type LogOutputs = Static<typeof LogOutputs>;
