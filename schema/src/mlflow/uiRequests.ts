/**
 * Requests of the endpoints MLflow's server adds for its UI, outside the protos (Flask handlers
 * reading the JSON or query string themselves): `experiments/search-datasets`,
 * `runs/create-promptlab-run`, `gateway-proxy`, `upload-artifact`. Every field is optional here:
 * the handlers check them in MLflow's order and words.
 */
import { Type, type Static } from 'typebox';

const Loose = Type.Unknown();

export const SearchDatasets = Type.Object({ experiment_ids: Type.Optional(Loose) }, { $id: 'mlflow.SearchDatasets' });
export type SearchDatasets = Static<typeof SearchDatasets>;

export const CreatePromptlabRun = Type.Object(
  {
    experiment_id: Type.Optional(Loose),
    run_name: Type.Optional(Loose),
    tags: Type.Optional(Loose),
    prompt_template: Type.Optional(Loose),
    prompt_parameters: Type.Optional(Loose),
    model_route: Type.Optional(Loose),
    model_parameters: Type.Optional(Loose),
    model_input: Type.Optional(Loose),
    model_output: Type.Optional(Loose),
    model_output_parameters: Type.Optional(Loose),
    mlflow_version: Type.Optional(Loose),
    user_id: Type.Optional(Loose),
    start_time: Type.Optional(Loose),
  },
  { $id: 'mlflow.CreatePromptlabRun' },
);
export type CreatePromptlabRun = Static<typeof CreatePromptlabRun>;

export const GatewayProxy = Type.Object(
  { gateway_path: Type.Optional(Type.String()), json_data: Type.Optional(Loose) },
  { $id: 'mlflow.GatewayProxy' },
);
export type GatewayProxy = Static<typeof GatewayProxy>;

export const UploadArtifact = Type.Object(
  { run_uuid: Type.Optional(Type.String()), path: Type.Optional(Type.String()) },
  { $id: 'mlflow.UploadArtifact' },
);
export type UploadArtifact = Static<typeof UploadArtifact>;
