/**
 * `POST <prefix>/runs/count`: how many runs a runs/search with the same experiments, filter and
 * view type finds over all its pages (MLflow's API has no total; a runs table's pager shows it).
 * The filter is checked as runs/search checks it; the engine counts where the runs are.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RunCountRequest, type RunCountReply } from '@lablog/schema';
import type { TrackingStore } from '../store/TrackingStore.js';

/** Registers the run count. */
export const runCountRoutes: FastifyPluginAsyncTypebox<{ store: TrackingStore }> = async (app, { store }) => {
  app.post('/runs/count', { schema: { body: RunCountRequest } }, async (req): Promise<RunCountReply> => {
    const b = req.body;
    return { count: await store.countRuns(b.experiment_ids, { filter: b.filter, viewType: b.run_view_type }) };
  });
};
