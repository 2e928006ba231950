/**
 * MLflow's UI upload, `POST /(ajax-)api/2.0/mlflow/upload-artifact?run_uuid=&path=` with the
 * file as the raw body (at most 10 MB, see http/bodyLimits), stored among the run's artifacts. In a scope of
 * its own, like the proxy API: any Content-Type is the file's bytes.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { uiRequests as U } from '@lablog/schema';
import { Readable } from 'node:stream';
import { invalidParameter } from '../errors.js';
import type { FileStore } from '../store/FileStore.js';
import type { ArtifactRepository } from './ArtifactRepository.js';
import { runArtifacts } from './ArtifactArea.js';
import { checkRelPath } from './artifactPath.js';

/** Registers `upload-artifact` (under a tracking API prefix). */
export const uploadArtifactRoutes: FastifyPluginAsyncTypebox<{ store: FileStore; artifacts: ArtifactRepository }> = async (app, { store, artifacts }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // its body limit, 10 MB as MLflow's, is in http/bodyLimits
  app.post('/upload-artifact', { schema: { querystring: U.UploadArtifact } }, async (req) => {
    const { run_uuid: runId, path } = req.query;
    if (!runId) throw invalidParameter('Request must specify run_uuid.');
    if (!path) throw invalidParameter('Request must specify path.');
    const rel = checkRelPath(path);
    const data = req.body as Buffer | undefined;
    if (!data || data.length === 0) throw invalidParameter('Request must specify data.');
    const area = runArtifacts(store, artifacts, runId);
    const size = await area.repository.put(rel, Readable.from([data]));
    area.changed(rel, size);
    return {};
  });
};
