/**
 * MLflow experiment endpoints: create, get, get-by-name, search, update, delete, restore,
 * set/delete tag.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { experimentRequests as X } from '@lablog/schema';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { invalidParameter, notFound } from '../errors.js';
import { isLocalUri, localPath } from '../registry/modelSource.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import { checkName } from './loggingRules.js';
import { listOf, optionalInt64 } from './requestFields.js';
import { wireExperiment } from './wire.js';
import { setKey } from '../store/keyedRecord.js';

const MAX_EXPERIMENT_NAME = 500;
const MAX_EXPERIMENT_TAG_VALUE = 5000;

/**
 * A relative local `artifact_location` made absolute against the agent's working directory, as
 * MLflow's `resolve_uri_if_local` does (a plain path stays a path; `file:rel` becomes `file:///abs`).
 */
export function resolveIfLocal(location: string): string {
  if (location === '' || !isLocalUri(location)) return location;
  const path = localPath(location);
  if (isAbsolute(path)) return location;
  const abs = resolve(process.cwd(), path);
  return /^file:/i.test(location) ? pathToFileURL(abs).href : abs;
}

/** Registers the experiment endpoints. */
export const experimentRoutes: FastifyPluginAsyncTypebox<{ store: TrackingStore }> = async (app, { store }) => {
  app.post('/experiments/create', { schema: { body: X.CreateExperiment } }, async (req) => {
    const { name, artifact_location, tags } = req.body;
    if (!name) throw invalidParameter("Missing value for required parameter 'name'.");
    if (name.length > MAX_EXPERIMENT_NAME) throw invalidParameter(`Experiment name exceeds the maximum length of ${MAX_EXPERIMENT_NAME} characters.`);
    const tagRecord: Record<string, string> = {};
    for (const t of tags ?? []) setKey(tagRecord, checkName('tag', t.key), t.value.slice(0, MAX_EXPERIMENT_TAG_VALUE));
    const e = await store.createExperiment(name, artifact_location === undefined ? undefined : resolveIfLocal(artifact_location), tagRecord);
    return { experiment_id: e.experiment_id };
  });

  app.get('/experiments/get', { schema: { querystring: X.GetExperiment } }, async (req) => ({
    experiment: wireExperiment(await store.getExperiment(req.query.experiment_id)),
  }));

  app.get('/experiments/get-by-name', { schema: { querystring: X.GetExperimentByName } }, async (req) => {
    const name = req.query.experiment_name;
    const e = await store.getExperimentByName(name);
    if (!e) throw notFound(`Could not find experiment with name '${name}'`);
    return { experiment: wireExperiment(e) };
  });

  const search = async (q: { max_results?: number | string | undefined; page_token?: string | undefined; filter?: string | undefined; order_by?: string[] | undefined; view_type?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' | undefined }) => {
    const page = await store.searchExperiments({
      filter: q.filter,
      orderBy: q.order_by,
      viewType: q.view_type,
      maxResults: optionalInt64(q.max_results, 'max_results'),
      pageToken: q.page_token,
    });
    return {
      experiments: page.items.map(wireExperiment),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  };
  app.post('/experiments/search', { schema: { body: X.SearchExperiments } }, async (req) => search(req.body));
  app.get('/experiments/search', { schema: { querystring: X.SearchExperimentsQuery } }, async (req) =>
    search({ ...req.query, order_by: listOf(req.query.order_by) }),
  );

  app.post('/experiments/update', { schema: { body: X.UpdateExperiment } }, async (req) => {
    const { experiment_id, new_name } = req.body;
    if (new_name !== undefined) await store.renameExperiment(experiment_id, new_name);
    return {};
  });

  app.post('/experiments/delete', { schema: { body: X.ExperimentId } }, async (req) => {
    await store.setExperimentLifecycle(req.body.experiment_id, 'deleted');
    return {};
  });

  app.post('/experiments/restore', { schema: { body: X.ExperimentId } }, async (req) => {
    await store.setExperimentLifecycle(req.body.experiment_id, 'active');
    return {};
  });

  app.post('/experiments/set-experiment-tag', { schema: { body: X.SetExperimentTag } }, async (req) => {
    const { experiment_id, key, value } = req.body;
    checkName('tag', key);
    await store.setExperimentTag(experiment_id, key, value.slice(0, MAX_EXPERIMENT_TAG_VALUE));
    return {};
  });

  app.post('/experiments/delete-experiment-tag', { schema: { body: X.DeleteExperimentTag } }, async (req) => {
    const { experiment_id, key } = req.body;
    await store.deleteExperimentTag(experiment_id, key);
    return {};
  });
};
