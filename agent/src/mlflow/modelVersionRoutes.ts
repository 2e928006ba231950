/**
 * MLflow model-version endpoints: create, get, update, delete, search, tags,
 * get-download-uri and transition-stage (`/model-versions/...`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registryRequests as Q } from '@lablog/schema';
import { checkSource, versionDownloadUri } from '../registry/modelSource.js';
import { parseVersion } from '../registry/registryRules.js';
import { searchModelVersions } from '../search/searchRegistry.js';
import type { FileStore } from '../store/FileStore.js';
import { registrySearchRequest, tagRecord } from './registryFields.js';
import { wireModelVersion } from './registryWire.js';

/** Registers the model-version endpoints. */
export const modelVersionRoutes: FastifyPluginAsyncTypebox<{ store: FileStore }> = async (app, { store }) => {
  const registry = store.registry;

  app.post('/model-versions/create', { schema: { body: Q.CreateModelVersion } }, async (req) => {
    const b = req.body;
    checkSource(b.source, () => (b.run_id ? store.getRun(b.run_id).info.artifact_uri : undefined));
    const { model, version } = await registry.createVersion(b.name, {
      source: b.source,
      runId: b.run_id,
      runLink: b.run_link,
      description: b.description,
      tags: tagRecord(b.tags),
    });
    return { model_version: wireModelVersion(model, version) };
  });

  app.get('/model-versions/get', { schema: { querystring: Q.ModelVersionRef } }, async (req) => {
    const { model, version } = registry.getVersion(req.query.name, parseVersion(req.query.version));
    return { model_version: wireModelVersion(model, version) };
  });

  app.patch('/model-versions/update', { schema: { body: Q.UpdateModelVersion } }, async (req) => {
    const b = req.body;
    const { model, version } = await registry.updateVersion(b.name, parseVersion(b.version), b.description ?? '');
    return { model_version: wireModelVersion(model, version) };
  });

  app.post('/model-versions/transition-stage', { schema: { body: Q.TransitionModelVersionStage } }, async (req) => {
    const b = req.body;
    const { model, version } = await registry.transitionStage(b.name, parseVersion(b.version), b.stage, b.archive_existing_versions);
    return { model_version: wireModelVersion(model, version) };
  });

  app.delete('/model-versions/delete', { schema: { body: Q.ModelVersionRef } }, async (req) => {
    await registry.deleteVersion(req.body.name, parseVersion(req.body.version));
    return {};
  });

  app.get('/model-versions/search', { schema: { querystring: Q.SearchRegistryQuery } }, async (req) => {
    const page = searchModelVersions(registry.allVersions(), registrySearchRequest(req.query));
    return {
      model_versions: page.items.map((v) => wireModelVersion(v.model, v.version)),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  });

  app.get('/model-versions/get-download-uri', { schema: { querystring: Q.ModelVersionRef } }, async (req) => ({
    artifact_uri: versionDownloadUri(store, req.query.name, req.query.version),
  }));

  app.post('/model-versions/set-tag', { schema: { body: Q.SetModelVersionTag } }, async (req) => {
    const b = req.body;
    await registry.setVersionTag(b.name, parseVersion(b.version), b.key, b.value ?? '');
    return {};
  });

  app.delete('/model-versions/delete-tag', { schema: { body: Q.DeleteModelVersionTag } }, async (req) => {
    const b = req.body;
    await registry.deleteVersionTag(b.name, parseVersion(b.version), b.key);
    return {};
  });
};
