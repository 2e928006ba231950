/**
 * Metric history endpoints: get-history (paged, 25 000 per page as MLflow) and
 * get-history-bulk-interval (the UI's sampled history of several runs).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { runRequests as R } from '@lablog/schema';
import { invalidParameter } from '../errors.js';
import { decodePageToken, encodePageToken } from '../search/pageToken.js';
import type { FileStore } from '../store/FileStore.js';
import type { MetricPoint } from '../store/records.js';
import { listOf, optionalInt64, runIdOf } from './requestFields.js';
import { wireMetric } from './wire.js';

/** Most points in one get-history page. */
export const HISTORY_PAGE_MAX = 25_000;
/** Most runs in one bulk-interval request, and most points per run. */
const BULK_MAX_RUNS = 100;
const BULK_MAX_RESULTS = 2_500;

/** Picks about `n` steps spread evenly over `steps` (sorted), always keeping the first and last. */
function sampleSteps(steps: number[], n: number): Set<number> {
  if (steps.length <= n) return new Set(steps);
  const out = new Set<number>([steps[0]!, steps[steps.length - 1]!]);
  const stride = (steps.length - 1) / (n - 1);
  for (let i = 1; i < n - 1; i++) out.add(steps[Math.round(i * stride)]!);
  return out;
}

/** Registers the metric history endpoints. */
export const metricRoutes: FastifyPluginAsyncTypebox<{ store: FileStore }> = async (app, { store }) => {
  app.get('/metrics/get-history', { schema: { querystring: R.GetMetricHistory } }, async (req) => {
    const q = req.query;
    const runId = runIdOf(q);
    const max = optionalInt64(q.max_results, 'max_results') ?? HISTORY_PAGE_MAX;
    if (max < 1 || max > HISTORY_PAGE_MAX) throw invalidParameter(`max_results must be between 1 and ${HISTORY_PAGE_MAX}; got ${max}.`);
    store.getRun(runId);
    const offset = decodePageToken(q.page_token);
    const all = await store.metricHistory(runId, q.metric_key);
    const page = all.slice(offset, offset + max);
    return {
      metrics: page.map(wireMetric),
      ...(offset + max < all.length ? { next_page_token: encodePageToken(offset + max) } : {}),
    };
  });

  app.get('/metrics/get-history-bulk-interval', { schema: { querystring: R.GetMetricHistoryBulkInterval } }, async (req) => {
    const q = req.query;
    const runIds = listOf(q.run_ids);
    if (runIds.length === 0) throw invalidParameter("Missing value for required parameter 'run_ids'.");
    if (runIds.length > BULK_MAX_RUNS) throw invalidParameter(`GetMetricHistoryBulkInterval request must specify at most ${BULK_MAX_RUNS} run_ids.`);
    const max = optionalInt64(q.max_results, 'max_results') ?? BULK_MAX_RESULTS;
    if (max < 1 || max > BULK_MAX_RESULTS) throw invalidParameter(`max_results must be between 1 and ${BULK_MAX_RESULTS}; got ${max}.`);
    const start = optionalInt64(q.start_step, 'start_step');
    const end = optionalInt64(q.end_step, 'end_step');
    if ((start === undefined) !== (end === undefined)) throw invalidParameter('start_step and end_step must be given together.');
    if (start !== undefined && end !== undefined && start > end) throw invalidParameter('end_step must be greater than or equal to start_step.');
    for (const id of runIds) store.getRun(id);
    const metrics = [];
    for (const runId of runIds) {
      const inRange = (await store.metricHistory(runId, q.metric_key)).filter(
        (p: MetricPoint) => start === undefined || (p.step >= start && p.step <= end!),
      );
      const steps = [...new Set(inRange.map((p) => p.step))].sort((a, b) => a - b);
      const keep = sampleSteps(steps, max);
      const picked = inRange.filter((p) => keep.has(p.step)).sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
      for (const p of picked) metrics.push({ ...wireMetric(p), run_id: runId });
    }
    return { metrics };
  });
};
