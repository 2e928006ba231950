/**
 * MLflow 3 logged-model endpoints (MLFLOW_REST.md §7), mounted with the tracking API:
 *   POST   logged-models                        create (PENDING)          → {model}
 *   GET    logged-models/{id}                   get                       → {model}
 *   PATCH  logged-models/{id}                   finalize (status)         → {model}
 *   DELETE logged-models/{id}                   delete                    → {}
 *   POST   logged-models/search                 search                    → {models, next_page_token}
 *   PATCH  logged-models/{id}/tags              set tags                  → {model}
 *   DELETE logged-models/{id}/tags/{key}        delete a tag              → {}
 *   POST   logged-models/{id}/params            log params                → {}
 *   GET    logged-models/{id}/artifacts/directories  list artifacts      → {root_uri, files}
 *   POST   runs/outputs                         the models a run produced → {}
 * A 3.x client's `log_model` goes: create → runs/outputs → artifact uploads → finalize READY.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { loggedModelRequests as L } from '@lablog/schema';
import { modelArtifacts, type ArtifactOwners } from '../artifacts/ArtifactArea.js';
import { checkRelPath } from '../artifacts/artifactPath.js';
import { listFromRoot } from '../artifacts/artifactResponses.js';
import { keyValues } from '../mlflow/loggingRules.js';
import { int64, optionalInt64 } from '../mlflow/requestFields.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import type { LoggedModelStore } from './LoggedModelStore.js';
import { statusOf, wireLoggedModel } from './loggedModelWire.js';

/** The stores the logged-model endpoints call. */
export interface LoggedModelRouteStores extends ArtifactOwners {
  loggedModels: LoggedModelStore;
  tracking: TrackingStore;
}

/** Registers the logged-model endpoints and `runs/outputs`. Each validates and calls one store operation. */
export const loggedModelRoutes: FastifyPluginAsyncTypebox<{ stores: LoggedModelRouteStores }> = async (app, { stores }) => {
  const { loggedModels: models, tracking } = stores;

  app.post('/logged-models', { schema: { body: L.CreateLoggedModel } }, async (req) => {
    const b = req.body;
    const doc = await models.createLoggedModel({
      experimentId: b.experiment_id,
      name: b.name,
      modelType: b.model_type,
      sourceRunId: b.source_run_id,
      params: keyValues('param', b.params),
      tags: keyValues('tag', b.tags),
    });
    return { model: wireLoggedModel(doc) };
  });

  app.get('/logged-models/:model_id', { schema: { params: L.ModelIdParams } }, async (req) => ({ model: wireLoggedModel(await models.getLoggedModel(req.params.model_id)) }));

  app.patch('/logged-models/:model_id', { schema: { params: L.ModelIdParams, body: L.FinalizeLoggedModel } }, async (req) => ({
    model: wireLoggedModel(await models.finalizeLoggedModel(req.params.model_id, statusOf(req.body.status))),
  }));

  app.delete('/logged-models/:model_id', { schema: { params: L.ModelIdParams } }, async (req) => {
    await models.deleteLoggedModel(req.params.model_id);
    return {};
  });

  app.post('/logged-models/search', { schema: { body: L.SearchLoggedModels } }, async (req) => {
    const b = req.body;
    const page = await models.searchLoggedModels(b.experiment_ids, {
      filter: b.filter,
      orderBy: b.order_by,
      maxResults: optionalInt64(b.max_results, 'max_results'),
      pageToken: b.page_token,
    });
    return { models: page.items.map(wireLoggedModel), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
  });

  app.patch('/logged-models/:model_id/tags', { schema: { params: L.ModelIdParams, body: L.SetLoggedModelTags } }, async (req) => ({
    model: wireLoggedModel(await models.setLoggedModelTags(req.params.model_id, keyValues('tag', req.body.tags))),
  }));

  // A wildcard, not `:tag_key`: tag keys may be longer than Fastify's 100-character param limit.
  app.delete('/logged-models/:model_id/tags/*', { schema: { params: L.ModelTagParams } }, async (req) => {
    await models.deleteLoggedModelTag(req.params.model_id, req.params['*']);
    return {};
  });

  app.post('/logged-models/:model_id/params', { schema: { params: L.ModelIdParams, body: L.LogLoggedModelParams } }, async (req) => {
    await models.logLoggedModelParams(req.params.model_id, keyValues('param', req.body.params));
    return {};
  });

  app.get(
    '/logged-models/:model_id/artifacts/directories',
    { schema: { params: L.ModelIdParams, querystring: L.ListLoggedModelArtifacts } },
    async (req) => listFromRoot({ area: await modelArtifacts(stores, req.params.model_id), rel: checkRelPath(req.query.artifact_directory_path ?? '') }),
  );

  app.post('/runs/outputs', { schema: { body: L.LogOutputs } }, async (req) => {
    const outputs = [];
    // the store checks that each model exists, in the same operation that records it
    for (const m of req.body.models ?? []) outputs.push({ model_id: m.model_id, step: int64(m.step, 'step') });
    await tracking.logOutputs(req.body.run_id, outputs);
    return {};
  });
};
