/**
 * Metric history endpoints: get-history (paged, 25 000 per page as MLflow; the next page encoded
 * ahead, see historyReadAhead), get-history-bulk
 * (the UI's full history of several runs) and get-history-bulk-interval (its sampled history),
 * with MLflow's checks, messages and sampling.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { runRequests as R } from '@lablog/schema';
import { invalidParameter, missingParameter } from '../errors.js';
import { decodePageToken } from '../search/pageToken.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import type { MetricPoint } from '../store/records.js';
import { listOf, optionalInt64, runIdOf } from './requestFields.js';
import { HistoryReadAhead, type HistoryPage } from './historyReadAhead.js';
import { wireMetric } from './wire.js';

/** Most points in one get-history page. */
export const HISTORY_PAGE_MAX = 25_000;
/** Most runs in one bulk or bulk-interval request, and most points per run of bulk-interval. */
const BULK_MAX_RUNS = 100;
const BULK_MAX_RESULTS = 2_500;

/**
 * MLflow's `_get_sampled_steps_from_steps`, line for line: about `n` steps of `steps` (sorted)
 * within [start, end], evenly spaced by index, plus the last one in range. MLflow's test of this
 * function fixes its answers, quirk included (an index is kept only while below the count of
 * steps in range, so a range that starts past the first step gets fewer than `n`).
 */
export function sampledSteps(start: number, end: number, n: number, steps: readonly number[]): Set<number> {
  const lo = lowerBound(steps, start);
  const hi = lowerBound(steps, end + 1);
  if (hi - lo <= n) return new Set(steps.slice(lo, hi));
  const count = hi - lo;
  const interval = count / n;
  const out = new Set<number>();
  for (let i = 0; i < n; i++) {
    const idx = lo + Math.trunc(i * interval);
    if (idx < count) out.add(steps[idx]!);
  }
  out.add(steps[hi - 1]!);
  return out;
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Registers the metric history endpoints. */
export const metricRoutes: FastifyPluginAsyncTypebox<{ store: TrackingStore }> = async (app, { store }) => {
  const readAhead = new HistoryReadAhead(store);
  app.get('/metrics/get-history', { schema: { querystring: R.GetMetricHistory } }, async (req, reply) => {
    const q = req.query;
    const runId = runIdOf(q);
    const max = optionalInt64(q.max_results, 'max_results') ?? HISTORY_PAGE_MAX;
    if (max < 1 || max > HISTORY_PAGE_MAX) throw invalidParameter(`max_results must be between 1 and ${HISTORY_PAGE_MAX}; got ${max}.`);
    const page: HistoryPage = { runId, key: q.metric_key, offset: decodePageToken(q.page_token), max };
    return reply.type('application/json; charset=utf-8').send(await readAhead.body(page));
  });

  // The UI's older bulk history: every point of one metric of several runs, runs in id order,
  // each run's points by (timestamp, step, value), `max_results` (at most 25 000) in all.
  app.get('/metrics/get-history-bulk', { schema: { querystring: R.GetMetricHistoryBulk } }, async (req) => {
    const q = req.query;
    const runIds = listOf(q.run_id);
    if (runIds.length === 0) throw invalidParameter('GetMetricHistoryBulk request must specify at least one run_id.');
    if (runIds.length > BULK_MAX_RUNS) {
      throw invalidParameter(`GetMetricHistoryBulk request cannot specify more than ${BULK_MAX_RUNS} run_ids. Received ${runIds.length} run_ids.`);
    }
    if (q.metric_key === undefined) throw invalidParameter('GetMetricHistoryBulk request must specify a metric_key.');
    const max = Math.min(optionalInt64(q.max_results, 'max_results') ?? HISTORY_PAGE_MAX, HISTORY_PAGE_MAX);
    const metrics = [];
    for (const runId of [...runIds].sort()) {
      const points = [...(await store.metricHistory(runId, q.metric_key))].sort((a, b) => a.timestamp - b.timestamp || a.step - b.step || a.value - b.value);
      for (const p of points) metrics.push({ ...wireMetric(p), run_id: runId });
    }
    return { metrics: metrics.slice(0, Math.max(max, 0)) };
  });

  // As MLflow: every check before any run is read; the steps sampled over all the runs together
  // (steps run 0..last unless a range is given), plus each run's first and last step in range.
  app.get('/metrics/get-history-bulk-interval', { schema: { querystring: R.GetMetricHistoryBulkInterval } }, async (req) => {
    const q = req.query;
    const runIds = listOf(q.run_ids);
    if (runIds.length === 0) throw missingParameter('run_ids');
    if (runIds.length > BULK_MAX_RUNS) {
      throw invalidParameter(`GetMetricHistoryBulkInterval request must specify at most ${BULK_MAX_RUNS} run_ids. Received ${runIds.length} run_ids.`);
    }
    if (!q.metric_key) throw missingParameter('metric_key');
    const max = optionalInt64(q.max_results, 'max_results') ?? BULK_MAX_RESULTS;
    if (max < 1 || max > BULK_MAX_RESULTS) throw invalidParameter(`max_results must be between 1 and ${BULK_MAX_RESULTS}.`);
    const startGiven = optionalInt64(q.start_step, 'start_step');
    const endGiven = optionalInt64(q.end_step, 'end_step');
    if ((startGiven === undefined) !== (endGiven === undefined)) {
      throw invalidParameter('If either start step or end step are specified, both must be specified.');
    }
    if (startGiven !== undefined && endGiven !== undefined && startGiven > endGiven) {
      throw invalidParameter(`end_step must be greater than start_step. Found start_step=${startGiven} and end_step=${endGiven}.`);
    }
    const histories: MetricPoint[][] = [];
    for (const runId of runIds) histories.push(await store.metricHistory(runId, q.metric_key));
    const all = [...new Set(histories.flatMap((h) => h.map((p) => p.step)))].sort((a, b) => a - b);
    const start = startGiven ?? 0;
    const end = endGiven ?? all.at(-1) ?? 0;
    const keep = sampledSteps(start, end, max, all);
    for (const h of histories) {
      if (h.length === 0) continue;
      let lo = Infinity;
      let hi = -Infinity;
      for (const p of h) {
        lo = Math.min(lo, p.step);
        hi = Math.max(hi, p.step);
      }
      for (const s of [lo, hi]) if (s >= start && s <= end) keep.add(s);
    }
    const metrics = [];
    for (const [i, runId] of runIds.entries()) {
      const picked = histories[i]!.filter((p) => keep.has(p.step)).sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
      for (const p of picked.slice(0, HISTORY_PAGE_MAX)) metrics.push({ ...wireMetric(p), run_id: runId });
    }
    return { metrics };
  });
};
