/**
 * Artifact requests and replies: the mlflow-artifacts proxy API
 * (`/api/2.0/mlflow-artifacts/artifacts[/<path>]`), the per-run listing
 * `/api/2.0/mlflow/artifacts/list` and the UI download routes `/get-artifact` and
 * `/model-versions/get-artifact`. Every field comes from the query string. Paths are checked
 * by the agent (they can never leave the artifact folder they name), not by these schemas.
 */
import { Type, type Static } from 'typebox';

/** `GET mlflow-artifacts/artifacts?path=<exp>/<run>/artifacts[/<dir>]`: list one folder. */
export const ListProxiedArtifacts = Type.Object(
  { path: Type.Optional(Type.String()) },
  { $id: 'mlflow.ListProxiedArtifacts' },
);
export type ListProxiedArtifacts = Static<typeof ListProxiedArtifacts>;

/** `GET mlflow/artifacts/list?run_id=&path=`: list a folder of a run, paths relative to the run's artifact root. */
export const ListRunArtifacts = Type.Object(
  {
    run_id: Type.Optional(Type.String()),
    run_uuid: Type.Optional(Type.String()),
    path: Type.Optional(Type.String()),
    page_token: Type.Optional(Type.String()),
  },
  { $id: 'mlflow.ListArtifacts' },
);
export type ListRunArtifacts = Static<typeof ListRunArtifacts>;

/** `GET /get-artifact?path=&run_uuid=`: the UI's download of one file of a run. */
export const GetRunArtifact = Type.Object(
  { path: Type.String(), run_id: Type.Optional(Type.String()), run_uuid: Type.Optional(Type.String()) },
  { $id: 'mlflow.GetRunArtifact' },
);
export type GetRunArtifact = Static<typeof GetRunArtifact>;

/** `GET /model-versions/get-artifact?path=&name=&version=`: the UI's download of one file of a model version. */
export const GetModelVersionArtifact = Type.Object(
  { path: Type.String(), name: Type.String(), version: Type.String() },
  { $id: 'mlflow.GetModelVersionArtifact' },
);
export type GetModelVersionArtifact = Static<typeof GetModelVersionArtifact>;

/** One entry of an artifact listing. `file_size` is left out for folders. */
export interface WireFileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** Reply of the proxy listing; `{}` when the folder does not exist or is a file. */
export interface ProxiedArtifactList {
  files?: WireFileInfo[];
}

/** Reply of `artifacts/list` and of a logged model's `artifacts/directories`. */
export interface ArtifactList {
  root_uri: string;
  files?: WireFileInfo[];
}
