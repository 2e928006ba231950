/**
 * `GET /api/3.0/mlflow/server-info`: what an MLflow 3 client asks a server before moving a
 * model's files (multipart transfers?) and for workspaces — answered by MLflow 3's server with
 * no sign-in. lablog answers it with what it supports.
 */
import { Type, type Static } from 'typebox';

/** Reply, with MLflow 3.17's fields. */
export const ServerInfoReply = Type.Object(
  {
    /** MLflow's store class ("FileStore", "SqlStore"); null for a store that is neither, as lablog's. */
    store_type: Type.Union([Type.String(), Type.Null()]),
    workspaces_enabled: Type.Boolean(),
    trace_archival_enabled: Type.Boolean(),
    multipart_uploads_enabled: Type.Boolean(),
    multipart_downloads_enabled: Type.Boolean(),
    presigned_upload_run_id_supported: Type.Boolean(),
    presigned_upload_model_id_supported: Type.Boolean(),
    features_enabled: Type.Object({ gateway: Type.Boolean() }),
  },
  { $id: 'mlflow.ServerInfoReply' },
);
export type ServerInfoReply = Static<typeof ServerInfoReply>;
