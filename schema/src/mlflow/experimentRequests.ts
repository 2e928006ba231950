/**
 * Request schemas of the MLflow experiment endpoints (`/api/2.0/mlflow/experiments/...`).
 * GET endpoints take their fields from the query string, the rest from a JSON body.
 */
import { Type, type Static } from 'typebox';
import { Int64, KeyValue, QueryList, ViewType } from './scalars.js';

export const CreateExperiment = Type.Object(
  { name: Type.String(), artifact_location: Type.Optional(Type.String()), tags: Type.Optional(Type.Array(KeyValue)) },
  { $id: 'mlflow.CreateExperiment' },
);
export type CreateExperiment = Static<typeof CreateExperiment>;

export const GetExperiment = Type.Object({ experiment_id: Type.String() }, { $id: 'mlflow.GetExperiment' });
export type GetExperiment = Static<typeof GetExperiment>;

export const GetExperimentByName = Type.Object(
  { experiment_name: Type.String() },
  { $id: 'mlflow.GetExperimentByName' },
);
export type GetExperimentByName = Static<typeof GetExperimentByName>;

/** Body form of experiments/search (POST). */
export const SearchExperiments = Type.Object(
  {
    max_results: Type.Optional(Int64),
    page_token: Type.Optional(Type.String()),
    filter: Type.Optional(Type.String()),
    order_by: Type.Optional(Type.Array(Type.String())),
    view_type: Type.Optional(ViewType),
  },
  { $id: 'mlflow.SearchExperiments' },
);
export type SearchExperiments = Static<typeof SearchExperiments>;

/** Query form of experiments/search (GET): lists may come as one value or repeated keys. */
export const SearchExperimentsQuery = Type.Object(
  {
    max_results: Type.Optional(Int64),
    page_token: Type.Optional(Type.String()),
    filter: Type.Optional(Type.String()),
    order_by: Type.Optional(QueryList),
    view_type: Type.Optional(ViewType),
  },
  { $id: 'mlflow.SearchExperimentsQuery' },
);
export type SearchExperimentsQuery = Static<typeof SearchExperimentsQuery>;

export const ExperimentId = Type.Object({ experiment_id: Type.String() }, { $id: 'mlflow.ExperimentId' });
export type ExperimentId = Static<typeof ExperimentId>;

export const UpdateExperiment = Type.Object(
  { experiment_id: Type.String(), new_name: Type.Optional(Type.String()) },
  { $id: 'mlflow.UpdateExperiment' },
);
export type UpdateExperiment = Static<typeof UpdateExperiment>;

export const SetExperimentTag = Type.Object(
  { experiment_id: Type.String(), key: Type.String(), value: Type.String() },
  { $id: 'mlflow.SetExperimentTag' },
);
export type SetExperimentTag = Static<typeof SetExperimentTag>;

export const DeleteExperimentTag = Type.Object(
  { experiment_id: Type.String(), key: Type.String() },
  { $id: 'mlflow.DeleteExperimentTag' },
);
export type DeleteExperimentTag = Static<typeof DeleteExperimentTag>;
