/**
 * `GET <3.0 prefix>/server-info`: MLflow 3's capability answer. lablog has no workspaces, no
 * trace archive, no multipart or presigned transfers (artifacts go through the proxy in one
 * request each, streamed) and no AI gateway, and says so — the client then takes the same single-
 * part paths it takes against a default MLflow server. Like MLflow's, it needs no sign-in.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerInfoReply } from '@lablog/schema';

const INFO: ServerInfoReply = {
  store_type: null,
  workspaces_enabled: false,
  trace_archival_enabled: false,
  multipart_uploads_enabled: false,
  multipart_downloads_enabled: false,
  presigned_upload_run_id_supported: false,
  presigned_upload_model_id_supported: false,
  features_enabled: { gateway: false },
};

/** Registers server-info. */
export const serverInfoRoutes: FastifyPluginAsync = async (app) => {
  app.get('/server-info', async (): Promise<ServerInfoReply> => INFO);
};
