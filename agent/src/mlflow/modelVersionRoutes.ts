/**
 * MLflow model-version endpoints: create, get, update, delete, search, tags,
 * get-download-uri and transition-stage (`/model-versions/...`). Each validates and calls one
 * operation of the registry store.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registryRequests as Q } from '@lablog/schema';
import type { ModelRegistryStore } from '../registry/ModelRegistryStore.js';
import { checkSource, versionDownloadUri, type DownloadStores } from '../registry/modelSource.js';
import { parseVersion } from '../registry/registryRules.js';
import { registrySearchRequest, tagRecord } from './registryFields.js';
import { wireModelVersion } from './registryWire.js';

/** The stores the model-version endpoints call: the registry, and what version sources refer to. */
export interface ModelVersionStores extends DownloadStores {
  registry: ModelRegistryStore;
}

/** Registers the model-version endpoints. */
export const modelVersionRoutes: FastifyPluginAsyncTypebox<{ stores: ModelVersionStores }> = async (app, { stores }) => {
  const { registry, tracking } = stores;

  app.post('/model-versions/create', { schema: { body: Q.CreateModelVersion } }, async (req) => {
    const b = req.body;
    // a local source must lie in its run's artifact folder; the run's location never changes, so it is read first
    await checkSource(b.source, async () => (b.run_id ? (await tracking.getRun(b.run_id)).info.artifact_uri : undefined));
    const { model, version } = await registry.createModelVersion(b.name, {
      source: b.source,
      modelId: b.model_id,
      runId: b.run_id,
      runLink: b.run_link,
      description: b.description,
      tags: tagRecord(b.tags),
    });
    return { model_version: wireModelVersion(model, version) };
  });

  app.get('/model-versions/get', { schema: { querystring: Q.ModelVersionRef } }, async (req) => {
    const { model, version } = await registry.getModelVersion(req.query.name, parseVersion(req.query.version));
    return { model_version: wireModelVersion(model, version) };
  });

  app.patch('/model-versions/update', { schema: { body: Q.UpdateModelVersion } }, async (req) => {
    const b = req.body;
    const { model, version } = await registry.updateModelVersion(b.name, parseVersion(b.version), b.description ?? '');
    return { model_version: wireModelVersion(model, version) };
  });

  app.post('/model-versions/transition-stage', { schema: { body: Q.TransitionModelVersionStage } }, async (req) => {
    const b = req.body;
    const { model, version } = await registry.transitionModelVersionStage(b.name, parseVersion(b.version), b.stage, b.archive_existing_versions);
    return { model_version: wireModelVersion(model, version) };
  });

  app.delete('/model-versions/delete', { schema: { body: Q.ModelVersionRef } }, async (req) => {
    await registry.deleteModelVersion(req.body.name, parseVersion(req.body.version));
    return {};
  });

  app.get('/model-versions/search', { schema: { querystring: Q.SearchRegistryQuery } }, async (req) => {
    const page = await registry.searchModelVersions(registrySearchRequest(req.query));
    return {
      model_versions: page.items.map((v) => wireModelVersion(v.model, v.version)),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  });

  app.get('/model-versions/get-download-uri', { schema: { querystring: Q.ModelVersionRef } }, async (req) => ({
    artifact_uri: await versionDownloadUri(stores, req.query.name, req.query.version),
  }));

  app.post('/model-versions/set-tag', { schema: { body: Q.SetModelVersionTag } }, async (req) => {
    const b = req.body;
    await registry.setModelVersionTag(b.name, parseVersion(b.version), b.key, b.value ?? '');
    return {};
  });

  app.delete('/model-versions/delete-tag', { schema: { body: Q.DeleteModelVersionTag } }, async (req) => {
    const b = req.body;
    await registry.deleteModelVersionTag(b.name, parseVersion(b.version), b.key);
    return {};
  });
};
