/**
 * Mounts the artifact routes that live outside the tracking API prefixes: the mlflow-artifacts
 * proxy API under both of its prefixes, the UI's upload-artifact, and the UI download routes at the root.
 */
import type { FastifyInstance } from 'fastify';
import { versionDownloadUri, type DownloadStores } from '../registry/modelSource.js';
import type { ArtifactOwners } from './ArtifactArea.js';
import { ARTIFACT_PREFIXES, proxyArtifactRoutes } from './proxyArtifactRoutes.js';
import { uiArtifactRoutes } from './runArtifactRoutes.js';
import { uploadArtifactRoutes } from './uploadArtifactRoutes.js';

/**
 * Registers the proxy API and the UI download routes on `app` (under `base`, e.g. a notebook session prefix).
 * @param stores where runs, logged models and registered versions are, and the artifact repository (the store folder or a bucket)
 */
export async function registerArtifactApi(app: FastifyInstance, stores: ArtifactOwners & DownloadStores, base = ''): Promise<void> {
  for (const prefix of ARTIFACT_PREFIXES) {
    await app.register(proxyArtifactRoutes, { owners: stores, prefix: base + prefix });
  }
  for (const prefix of ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow']) {
    await app.register(uploadArtifactRoutes, { store: stores.files, artifacts: stores.artifacts, prefix: base + prefix });
  }
  // a version's files are where `model-versions/get-download-uri` says they are
  await app.register(uiArtifactRoutes, { owners: stores, modelVersionArtifactUri: (name, version) => versionDownloadUri(stores, name, version), prefix: base });
}
