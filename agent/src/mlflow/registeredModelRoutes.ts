/**
 * MLflow registered-model endpoints: create, get, search, rename, update, delete, tags,
 * get-latest-versions and aliases (`/registered-models/...`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registryRequests as Q } from '@lablog/schema';
import { parseVersion } from '../registry/registryRules.js';
import { latestVersions } from '../registry/versionViews.js';
import { searchRegisteredModels } from '../search/searchRegistry.js';
import type { FileStore } from '../store/FileStore.js';
import { registrySearchRequest, tagRecord } from './registryFields.js';
import { wireModelVersion, wireRegisteredModel } from './registryWire.js';
import { listOf } from './requestFields.js';

/** Registers the registered-model endpoints. */
export const registeredModelRoutes: FastifyPluginAsyncTypebox<{ store: FileStore }> = async (app, { store }) => {
  const registry = store.registry;

  app.post('/registered-models/create', { schema: { body: Q.CreateRegisteredModel } }, async (req) => {
    const { name, tags, description } = req.body;
    const model = await registry.createModel({ name, tags: tagRecord(tags), description: description ?? '' });
    return { registered_model: wireRegisteredModel(model) };
  });

  app.get('/registered-models/get', { schema: { querystring: Q.RegisteredModelName } }, async (req) => ({
    registered_model: wireRegisteredModel(registry.get(req.query.name)),
  }));

  app.get('/registered-models/search', { schema: { querystring: Q.SearchRegistryQuery } }, async (req) => {
    const page = searchRegisteredModels(registry.models(), registrySearchRequest(req.query));
    return {
      registered_models: page.items.map(wireRegisteredModel),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  });

  app.post('/registered-models/rename', { schema: { body: Q.RenameRegisteredModel } }, async (req) => ({
    registered_model: wireRegisteredModel(await registry.renameModel(req.body.name, req.body.new_name)),
  }));

  app.patch('/registered-models/update', { schema: { body: Q.UpdateRegisteredModel } }, async (req) => ({
    registered_model: wireRegisteredModel(await registry.updateModel(req.body.name, req.body.description ?? '')),
  }));

  app.delete('/registered-models/delete', { schema: { body: Q.RegisteredModelName } }, async (req) => {
    await registry.deleteModel(req.body.name);
    return {};
  });

  const latest = (name: string, stages: string[]) => {
    const model = registry.get(name);
    return { model_versions: latestVersions(model, stages).map((v) => wireModelVersion(model, v)) };
  };
  app.post('/registered-models/get-latest-versions', { schema: { body: Q.GetLatestVersions } }, async (req) =>
    latest(req.body.name, req.body.stages ?? []),
  );
  app.get('/registered-models/get-latest-versions', { schema: { querystring: Q.GetLatestVersionsQuery } }, async (req) =>
    latest(req.query.name, listOf(req.query.stages)),
  );

  app.post('/registered-models/set-tag', { schema: { body: Q.SetRegisteredModelTag } }, async (req) => {
    await registry.setModelTag(req.body.name, req.body.key, req.body.value ?? '');
    return {};
  });

  app.delete('/registered-models/delete-tag', { schema: { body: Q.DeleteRegisteredModelTag } }, async (req) => {
    await registry.deleteModelTag(req.body.name, req.body.key);
    return {};
  });

  app.post('/registered-models/alias', { schema: { body: Q.SetRegisteredModelAlias } }, async (req) => {
    await registry.setAlias(req.body.name, req.body.alias, parseVersion(req.body.version));
    return {};
  });

  app.delete('/registered-models/alias', { schema: { body: Q.RegisteredModelAlias } }, async (req) => {
    await registry.deleteAlias(req.body.name, req.body.alias);
    return {};
  });

  app.get('/registered-models/alias', { schema: { querystring: Q.RegisteredModelAlias } }, async (req) => {
    const { model, version } = registry.byAlias(req.query.name, req.query.alias);
    return { model_version: wireModelVersion(model, version) };
  });
};
