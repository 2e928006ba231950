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
import { searchExperiments } from '../search/searchExperiments.js';
import type { FileStore } from '../store/FileStore.js';
import { checkName } from './loggingRules.js';
import { listOf, optionalInt64 } from './requestFields.js';
import { wireExperiment } from './wire.js';
import { hasKey, setKey } from '../store/keyedRecord.js';

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
export const experimentRoutes: FastifyPluginAsyncTypebox<{ store: FileStore }> = async (app, { store }) => {
  const book = store.experiments;

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
    experiment: wireExperiment(book.get(req.query.experiment_id)),
  }));

  app.get('/experiments/get-by-name', { schema: { querystring: X.GetExperimentByName } }, async (req) => {
    const name = req.query.experiment_name;
    const e = book.findByName(name);
    if (!e) throw notFound(`Could not find experiment with name '${name}'`);
    return { experiment: wireExperiment(e) };
  });

  const search = (q: { max_results?: number | string | undefined; page_token?: string | undefined; filter?: string | undefined; order_by?: string[] | undefined; view_type?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' | undefined }) => {
    const page = searchExperiments(book.all(), {
      filter: q.filter,
      orderBy: q.order_by,
      viewType: q.view_type,
      maxResults: optionalInt64(q.max_results, 'max_results'),
      pageToken: q.page_token,
    });
    return {
      experiments: page.experiments.map(wireExperiment),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  };
  app.post('/experiments/search', { schema: { body: X.SearchExperiments } }, async (req) => search(req.body));
  app.get('/experiments/search', { schema: { querystring: X.SearchExperimentsQuery } }, async (req) =>
    search({ ...req.query, order_by: listOf(req.query.order_by) }),
  );

  app.post('/experiments/update', { schema: { body: X.UpdateExperiment } }, async (req) => {
    const { experiment_id, new_name } = req.body;
    if (new_name === undefined) return {};
    book.checkRename(experiment_id, new_name);
    const e = book.get(experiment_id);
    if (e.lifecycle_stage !== 'active') throw invalidParameter(`Cannot rename a non-active experiment ${experiment_id}.`);
    await store.updateExperiment(experiment_id, (x) => {
      x.name = new_name;
    });
    return {};
  });

  app.post('/experiments/delete', { schema: { body: X.ExperimentId } }, async (req) => {
    const id = req.body.experiment_id;
    if (id === '0') throw invalidParameter('Cannot delete the default experiment \'0\'.');
    await store.updateExperiment(id, (e) => {
      e.lifecycle_stage = 'deleted';
    });
    return {};
  });

  app.post('/experiments/restore', { schema: { body: X.ExperimentId } }, async (req) => {
    await store.updateExperiment(req.body.experiment_id, (e) => {
      e.lifecycle_stage = 'active';
    });
    return {};
  });

  app.post('/experiments/set-experiment-tag', { schema: { body: X.SetExperimentTag } }, async (req) => {
    const { experiment_id, key, value } = req.body;
    checkName('tag', key);
    const e = book.get(experiment_id);
    if (e.lifecycle_stage !== 'active') throw invalidParameter(`The experiment ${experiment_id} must be in the 'active' state. Current state is ${e.lifecycle_stage}.`);
    await store.updateExperiment(experiment_id, (x) => {
      setKey(x.tags, key, value.slice(0, MAX_EXPERIMENT_TAG_VALUE));
    });
    return {};
  });

  app.post('/experiments/delete-experiment-tag', { schema: { body: X.DeleteExperimentTag } }, async (req) => {
    const { experiment_id, key } = req.body;
    const e = book.get(experiment_id);
    if (!hasKey(e.tags, key)) throw notFound(`No tag with name: ${key} in experiment with id ${experiment_id}`);
    await store.updateExperiment(experiment_id, (x) => {
      delete x.tags[key];
    });
    return {};
  });
};
