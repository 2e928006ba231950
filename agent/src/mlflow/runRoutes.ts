/**
 * MLflow run endpoints: create, get, update, delete, restore, search.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { runRequests as R } from '@lablog/schema';
import { invalidParameter } from '../errors.js';
import { SEARCH_MAX_RESULTS_THRESHOLD } from '../search/pageToken.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import type { RunDoc } from '../store/records.js';
import { keyValues } from './loggingRules.js';
import { optionalInt64, runIdOf } from './requestFields.js';
import { wireRun, wireRunInfo } from './wire.js';

/** What a route prefix adds to the runs created and updated under it (a notebook session's tags and snapshots). */
export interface RunCreationHooks {
  /** Tags set on a new run over those the client sent. Never rejects. */
  tags(req: FastifyRequest): Promise<Record<string, string>>;
  /** Called once the run exists (new, or found again by its client id), before the reply. Never rejects. */
  created(req: FastifyRequest, run: RunDoc): Promise<void>;
  /** Called once an update of the run is committed, before the reply. Never rejects. */
  updated?(req: FastifyRequest, run: RunDoc): Promise<void>;
}

/** Registers the run endpoints. */
export const runRoutes: FastifyPluginAsyncTypebox<{ store: TrackingStore; creation?: RunCreationHooks | undefined }> = async (app, { store, creation }) => {
  app.post('/runs/create', { schema: { body: R.CreateRun } }, async (req) => {
    const b = req.body;
    const tags = keyValues('tag', b.tags);
    if (creation) Object.assign(tags, await creation.tags(req));
    const doc = await store.createRun({
      runId: b.run_id,
      experimentId: b.experiment_id || '0',
      userId: b.user_id ?? '',
      runName: b.run_name ?? '',
      startTime: optionalInt64(b.start_time, 'start_time') ?? Date.now(),
      tags,
    });
    if (creation) await creation.created(req, doc);
    return { run: wireRun(doc) };
  });

  app.get('/runs/get', { schema: { querystring: R.GetRun } }, async (req) => ({ run: wireRun(await store.getRun(runIdOf(req.query))) }));

  app.post('/runs/update', { schema: { body: R.UpdateRun } }, async (req) => {
    const b = req.body;
    const doc = await store.updateRun(runIdOf(b), {
      status: b.status,
      endTime: optionalInt64(b.end_time, 'end_time'),
      runName: b.run_name,
    });
    await creation?.updated?.(req, doc);
    return { run_info: wireRunInfo(doc) };
  });

  app.post('/runs/delete', { schema: { body: R.RunId } }, async (req) => {
    await store.setRunLifecycle(req.body.run_id, 'deleted');
    return {};
  });

  app.post('/runs/restore', { schema: { body: R.RunId } }, async (req) => {
    await store.setRunLifecycle(req.body.run_id, 'active');
    return {};
  });

  app.post('/runs/search', { schema: { body: R.SearchRuns } }, async (req) => {
    const b = req.body;
    const maxResults = optionalInt64(b.max_results, 'max_results');
    // MLflow's handler checks this before its store does, in its generic words
    if (maxResults !== undefined && maxResults > SEARCH_MAX_RESULTS_THRESHOLD) {
      throw invalidParameter(
        `Invalid value ${maxResults} for parameter 'max_results' supplied. Hint: Value was of type 'int'. See the API docs for more information about request parameters.`,
      );
    }
    const page = await store.searchRuns(b.experiment_ids ?? [], {
      filter: b.filter,
      orderBy: b.order_by,
      viewType: b.run_view_type,
      maxResults,
      pageToken: b.page_token,
    });
    return {
      runs: page.items.map(wireRun),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  });
};
