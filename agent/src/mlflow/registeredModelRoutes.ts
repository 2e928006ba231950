/**
 * MLflow registered-model endpoints: create, get, search, rename, update, delete, tags,
 * get-latest-versions and aliases (`/registered-models/...`). Each validates and calls one
 * operation of the registry store.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registryRequests as Q } from '@lablog/schema';
import type { ModelRegistryStore } from '../registry/ModelRegistryStore.js';
import { parseVersion } from '../registry/registryRules.js';
import { latestVersions } from '../registry/versionViews.js';
import { registrySearchRequest, tagRecord } from './registryFields.js';
import { wireModelVersion, wireRegisteredModel } from './registryWire.js';
import { listOf } from './requestFields.js';

/** Registers the registered-model endpoints. */
export const registeredModelRoutes: FastifyPluginAsyncTypebox<{ registry: ModelRegistryStore }> = async (app, { registry }) => {
  app.post('/registered-models/create', { schema: { body: Q.CreateRegisteredModel } }, async (req) => {
    const { name, tags, description } = req.body;
    const model = await registry.createRegisteredModel({ name, tags: tagRecord(tags), description: description ?? '' });
    return { registered_model: wireRegisteredModel(model) };
  });

  app.get('/registered-models/get', { schema: { querystring: Q.RegisteredModelName } }, async (req) => ({
    registered_model: wireRegisteredModel(await registry.getRegisteredModel(req.query.name)),
  }));

  app.get('/registered-models/search', { schema: { querystring: Q.SearchRegistryQuery } }, async (req) => {
    const page = await registry.searchRegisteredModels(registrySearchRequest(req.query));
    return {
      registered_models: page.items.map(wireRegisteredModel),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  });

  app.post('/registered-models/rename', { schema: { body: Q.RenameRegisteredModel } }, async (req) => ({
    registered_model: wireRegisteredModel(await registry.renameRegisteredModel(req.body.name, req.body.new_name)),
  }));

  app.patch('/registered-models/update', { schema: { body: Q.UpdateRegisteredModel } }, async (req) => ({
    registered_model: wireRegisteredModel(await registry.updateRegisteredModel(req.body.name, req.body.description ?? '')),
  }));

  app.delete('/registered-models/delete', { schema: { body: Q.RegisteredModelName } }, async (req) => {
    await registry.deleteRegisteredModel(req.body.name);
    return {};
  });

  const latest = async (name: string, stages: string[]) => {
    const model = await registry.getRegisteredModel(name);
    return { model_versions: latestVersions(model, stages).map((v) => wireModelVersion(model, v)) };
  };
  app.post('/registered-models/get-latest-versions', { schema: { body: Q.GetLatestVersions } }, async (req) =>
    latest(req.body.name, req.body.stages ?? []),
  );
  app.get('/registered-models/get-latest-versions', { schema: { querystring: Q.GetLatestVersionsQuery } }, async (req) =>
    latest(req.query.name, listOf(req.query.stages)),
  );

  app.post('/registered-models/set-tag', { schema: { body: Q.SetRegisteredModelTag } }, async (req) => {
    await registry.setRegisteredModelTag(req.body.name, req.body.key, req.body.value ?? '');
    return {};
  });

  app.delete('/registered-models/delete-tag', { schema: { body: Q.DeleteRegisteredModelTag } }, async (req) => {
    await registry.deleteRegisteredModelTag(req.body.name, req.body.key);
    return {};
  });

  app.post('/registered-models/alias', { schema: { body: Q.SetRegisteredModelAlias } }, async (req) => {
    await registry.setRegisteredModelAlias(req.body.name, req.body.alias, parseVersion(req.body.version));
    return {};
  });

  app.delete('/registered-models/alias', { schema: { body: Q.RegisteredModelAlias } }, async (req) => {
    await registry.deleteRegisteredModelAlias(req.body.name, req.body.alias);
    return {};
  });

  app.get('/registered-models/alias', { schema: { querystring: Q.RegisteredModelAlias } }, async (req) => {
    const { model, version } = await registry.getModelVersionByAlias(req.query.name, req.query.alias);
    return { model_version: wireModelVersion(model, version) };
  });
};
