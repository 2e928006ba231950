/**
 * Request schemas of the MLflow model registry endpoints (`/api/2.0/mlflow/registered-models/...`
 * and `/model-versions/...`). GET endpoints read the query string; POST, PATCH and DELETE a JSON body.
 */
import { Type, type Static } from 'typebox';
import { Int64, KeyValue, QueryList } from './scalars.js';

/** A model version number: a decimal string on the wire; a JSON integer is accepted too. */
export const VersionField = Type.Union([Type.String(), Type.Integer()]);
export type VersionField = Static<typeof VersionField>;

export const CreateRegisteredModel = Type.Object(
  { name: Type.String(), tags: Type.Optional(Type.Array(KeyValue)), description: Type.Optional(Type.String()) },
  { $id: 'mlflow.CreateRegisteredModel' },
);
export type CreateRegisteredModel = Static<typeof CreateRegisteredModel>;

/** get (query) and delete (body) of a registered model. */
export const RegisteredModelName = Type.Object({ name: Type.String() }, { $id: 'mlflow.RegisteredModelName' });
export type RegisteredModelName = Static<typeof RegisteredModelName>;

export const RenameRegisteredModel = Type.Object(
  { name: Type.String(), new_name: Type.String() },
  { $id: 'mlflow.RenameRegisteredModel' },
);
export type RenameRegisteredModel = Static<typeof RenameRegisteredModel>;

export const UpdateRegisteredModel = Type.Object(
  { name: Type.String(), description: Type.Optional(Type.String()) },
  { $id: 'mlflow.UpdateRegisteredModel' },
);
export type UpdateRegisteredModel = Static<typeof UpdateRegisteredModel>;

/** Query of registered-models/search and model-versions/search. */
export const SearchRegistryQuery = Type.Object(
  {
    filter: Type.Optional(Type.String()),
    max_results: Type.Optional(Int64),
    order_by: Type.Optional(QueryList),
    page_token: Type.Optional(Type.String()),
  },
  { $id: 'mlflow.SearchRegistryQuery' },
);
export type SearchRegistryQuery = Static<typeof SearchRegistryQuery>;

/** Body form of get-latest-versions (POST). */
export const GetLatestVersions = Type.Object(
  { name: Type.String(), stages: Type.Optional(Type.Array(Type.String())) },
  { $id: 'mlflow.GetLatestVersions' },
);
export type GetLatestVersions = Static<typeof GetLatestVersions>;

/** Query form of get-latest-versions (GET): `stages` once or repeated. */
export const GetLatestVersionsQuery = Type.Object(
  { name: Type.String(), stages: Type.Optional(QueryList) },
  { $id: 'mlflow.GetLatestVersionsQuery' },
);
export type GetLatestVersionsQuery = Static<typeof GetLatestVersionsQuery>;

export const SetRegisteredModelTag = Type.Object(
  { name: Type.String(), key: Type.String(), value: Type.Optional(Type.String()) },
  { $id: 'mlflow.SetRegisteredModelTag' },
);
export type SetRegisteredModelTag = Static<typeof SetRegisteredModelTag>;

export const DeleteRegisteredModelTag = Type.Object(
  { name: Type.String(), key: Type.String() },
  { $id: 'mlflow.DeleteRegisteredModelTag' },
);
export type DeleteRegisteredModelTag = Static<typeof DeleteRegisteredModelTag>;

export const SetRegisteredModelAlias = Type.Object(
  { name: Type.String(), alias: Type.String(), version: VersionField },
  { $id: 'mlflow.SetRegisteredModelAlias' },
);
export type SetRegisteredModelAlias = Static<typeof SetRegisteredModelAlias>;

/** delete (body) and get (query) of an alias. */
export const RegisteredModelAlias = Type.Object(
  { name: Type.String(), alias: Type.String() },
  { $id: 'mlflow.RegisteredModelAlias' },
);
export type RegisteredModelAlias = Static<typeof RegisteredModelAlias>;

export const CreateModelVersion = Type.Object(
  {
    name: Type.String(),
    source: Type.String(),
    run_id: Type.Optional(Type.String()),
    tags: Type.Optional(Type.Array(KeyValue)),
    run_link: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    /** MLflow 3: the logged model the version is made from. */
    model_id: Type.Optional(Type.String()),
  },
  { $id: 'mlflow.CreateModelVersion' },
);
export type CreateModelVersion = Static<typeof CreateModelVersion>;

/** get, delete, get-download-uri of a model version. */
export const ModelVersionRef = Type.Object({ name: Type.String(), version: VersionField }, { $id: 'mlflow.ModelVersionRef' });
export type ModelVersionRef = Static<typeof ModelVersionRef>;

export const UpdateModelVersion = Type.Object(
  { name: Type.String(), version: VersionField, description: Type.Optional(Type.String()) },
  { $id: 'mlflow.UpdateModelVersion' },
);
export type UpdateModelVersion = Static<typeof UpdateModelVersion>;

export const TransitionModelVersionStage = Type.Object(
  { name: Type.String(), version: VersionField, stage: Type.String(), archive_existing_versions: Type.Boolean() },
  { $id: 'mlflow.TransitionModelVersionStage' },
);
export type TransitionModelVersionStage = Static<typeof TransitionModelVersionStage>;

export const SetModelVersionTag = Type.Object(
  { name: Type.String(), version: VersionField, key: Type.String(), value: Type.Optional(Type.String()) },
  { $id: 'mlflow.SetModelVersionTag' },
);
export type SetModelVersionTag = Static<typeof SetModelVersionTag>;

export const DeleteModelVersionTag = Type.Object(
  { name: Type.String(), version: VersionField, key: Type.String() },
  { $id: 'mlflow.DeleteModelVersionTag' },
);
export type DeleteModelVersionTag = Static<typeof DeleteModelVersionTag>;
