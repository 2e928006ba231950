/**
 * The mlflow-artifacts proxy API (MLFLOW_REST.md §5), mounted under
 * `/api/2.0/mlflow-artifacts` and `/ajax-api/2.0/mlflow-artifacts`:
 *   PUT    /artifacts/<path>     raw body, any Content-Type (the client sends a guessed one) → {}
 *   GET    /artifacts/<path>     the file, streamed
 *   GET    /artifacts?path=<dir> the folder's listing, {} when absent
 *   DELETE /artifacts/<path>     → {}
 *   POST   /mpu/{create,complete,abort}/<path>  → 501, MLflow's "not supported" answer, on which
 *          the MLflow client (MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD) falls back to one streamed PUT
 * Upload bodies are never parsed or buffered: this plugin's scope hands the request stream
 * straight to the repository (the file being written, or the bucket's multipart upload), whatever its Content-Type, without a body limit. The
 * rest of the API keeps its JSON-only parsers, since scopes do not leak.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { artifactRequests as A } from '@lablog/schema';
import type { Readable } from 'node:stream';
import type { UploadRouteConfig } from '../http/serverLimits.js';
import { MlflowError } from '../errors.js';
import { locateProxied, type ArtifactOwners } from './ArtifactArea.js';
import { proxiedTarget } from './artifactPath.js';
import { listProxied, sendArtifact } from './artifactResponses.js';

/** Route prefixes of the proxy API, as MLflow registers them. */
export const ARTIFACT_PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'] as const;

type Wildcard = { '*': string };

/** Registers the proxy API routes (in a scope of its own: it replaces the body parsers). */
export const proxyArtifactRoutes: FastifyPluginAsyncTypebox<{ owners: ArtifactOwners }> = async (app, { owners }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  // An upload's Content-Type is the client's guess and plays no part (the bytes are stored as
  // sent), so none, even a malformed one, may refuse it: every upload goes through the parser above.
  app.addHook('onRequest', async (req) => {
    if (req.method === 'PUT') req.headers['content-type'] = 'application/octet-stream';
  });

  // timed by its progress, not its total time (http/serverLimits)
  const upload: UploadRouteConfig = { streamedUpload: true };
  app.put<{ Params: Wildcard }>('/artifacts/*', { config: upload }, async (req) => {
    const { area, rel } = await locateProxied(owners, req.params['*']);
    const size = await area.repository.put(rel, req.body as Readable);
    area.changed(rel, size);
    return {};
  });

  app.get<{ Params: Wildcard }>('/artifacts/*', async (req, reply) => sendArtifact(reply, await locateProxied(owners, req.params['*'])));

  app.get('/artifacts', { schema: { querystring: A.ListProxiedArtifacts } }, async (req) => listProxied(await locateProxied(owners, req.query.path ?? '')));

  // MLflow's server answers this for every destination that is not a cloud bucket it signs URLs
  // for; the agent's PUT streams whatever the size, into the folder or the bucket alike
  for (const step of ['create', 'complete', 'abort']) {
    app.post<{ Params: Wildcard }>(`/mpu/${step}/*`, async (req) => {
      proxiedTarget(req.params['*']); // an unsafe path is refused first, as MLflow does
      throw new MlflowError('NOT_IMPLEMENTED', 'Multipart upload is not supported for the current artifact repository');
    });
  }

  app.delete<{ Params: Wildcard }>('/artifacts/*', async (req) => {
    const { area, rel } = await locateProxied(owners, req.params['*']);
    const removed = await area.repository.delete(rel);
    if (removed) area.changed(rel, removed.size, true);
    return {};
  });
};
