/**
 * Run artifact routes outside the proxy API: `GET /api/2.0/mlflow/artifacts/list` (mounted with
 * the tracking API), and the UI's downloads `GET /get-artifact?path=&run_uuid=` and
 * `GET /model-versions/get-artifact?path=&name=&version=` (mounted at the root, as MLflow does).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { artifactRequests as A } from '@lablog/schema';
import { runIdOf } from '../mlflow/requestFields.js';
import type { FileStore } from '../store/FileStore.js';
import type { ArtifactRepository } from './ArtifactRepository.js';
import { locateArtifactUri, runArtifacts, type ArtifactOwners } from './ArtifactArea.js';
import { checkRelPath } from './artifactPath.js';
import { listFromRoot, sendArtifact } from './artifactResponses.js';

/**
 * The artifact URI of a registered model version's files (what `model-versions/get-download-uri`
 * answers). Provided by the model registry.
 */
export type ModelVersionArtifactUri = (name: string, version: string) => Promise<string>;

/** Registers `artifacts/list` (under a tracking API prefix). */
export const runArtifactListRoutes: FastifyPluginAsyncTypebox<{ store: FileStore; artifacts: ArtifactRepository }> = async (app, { store, artifacts }) => {
  app.get('/artifacts/list', { schema: { querystring: A.ListRunArtifacts } }, async (req) =>
    listFromRoot({ area: runArtifacts(store, artifacts, runIdOf(req.query)), rel: checkRelPath(req.query.path ?? '') }),
  );
};

/** Registers the UI download routes `/get-artifact` and `/model-versions/get-artifact`. */
export const uiArtifactRoutes: FastifyPluginAsyncTypebox<{
  owners: ArtifactOwners;
  modelVersionArtifactUri: ModelVersionArtifactUri;
}> = async (app, { owners, modelVersionArtifactUri }) => {
  const { files: store, artifacts } = owners;
  app.get('/get-artifact', { schema: { querystring: A.GetRunArtifact } }, async (req, reply) =>
    sendArtifact(reply, { area: runArtifacts(store, artifacts, runIdOf(req.query)), rel: checkRelPath(req.query.path) }),
  );

  // MLflow's own tests call it as `//model-versions/get-artifact` too, which its server routes here
  for (const route of ['/model-versions/get-artifact', '//model-versions/get-artifact']) {
    app.get(route, { schema: { querystring: A.GetModelVersionArtifact } }, async (req, reply) => {
      const { name, version, path } = req.query;
      const within = checkRelPath(path); // before the version is looked up, as MLflow
      const { area, rel } = await locateArtifactUri(owners, await modelVersionArtifactUri(name, version));
      return sendArtifact(reply, { area, rel: [...rel, ...within] });
    });
  }
};
