/**
 * MLflow model-version endpoints: create, get, update, delete, search, tags,
 * get-download-uri and transition-stage (`/model-versions/...`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registryRequests as Q } from '@lablog/schema';
import { MODEL_VERSIONS_TAG, sourceModelId, withModelVersion } from '../registry/loggedModelLineage.js';
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
    // MLflow 3: a version made from a logged model of this agent gets its run, and the model a tag
    const modelId = sourceModelId(b.source, b.model_id);
    const logged = modelId !== undefined && store.loggedModels.has(modelId) ? store.loggedModels.get(modelId) : undefined;
    const { model, version } = await registry.createVersion(b.name, {
      source: b.source,
      runId: b.run_id || logged?.info.source_run_id || b.run_id,
      runLink: b.run_link,
      description: b.description,
      tags: tagRecord(b.tags),
    });
    if (logged !== undefined) {
      const value = withModelVersion(logged.tags[MODEL_VERSIONS_TAG], b.name, version.version);
      await store.loggedModels.setTags(logged.info.model_id, { [MODEL_VERSIONS_TAG]: value });
    }
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
