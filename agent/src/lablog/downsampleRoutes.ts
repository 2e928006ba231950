/**
 * `GET <prefix>/metrics/downsample`: a metric's history reduced to min/max/last per x bucket,
 * for charts (the query and reply are `DownsampleQuery`/`DownsampleReply` in @lablog/schema);
 * `POST <prefix>/metrics/downsample-bulk`: the same for one metric of up to 100 runs at once
 * (a comparison's chart: one request, not one per run).
 * The store reduces it where the points are: the file engine from its metric columns (see
 * ColumnCache), PostgreSQL in SQL.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DownsampleBulkRequest, DownsampleQuery, type DownsampleBulkReply } from '@lablog/schema';
import { invalidParameter, MlflowError } from '../errors.js';
import type { TrackingStore } from '../store/TrackingStore.js';

/** Buckets when the query gives none. */
export const DEFAULT_BUCKETS = 1000;

/** Registers the downsampling endpoint. */
export const downsampleRoutes: FastifyPluginAsyncTypebox<{ store: TrackingStore }> = async (app, { store }) => {
  app.get('/metrics/downsample', { schema: { querystring: DownsampleQuery } }, async (req) => {
    const q = req.query;
    checkRange(q.x_min, q.x_max);
    // RESOURCE_DOES_NOT_EXIST for an unknown run
    return store.downsample(q.run_id, q.metric_key, {
      axis: q.x_axis ?? 'step',
      buckets: q.buckets ?? DEFAULT_BUCKETS,
      xMin: q.x_min,
      xMax: q.x_max,
    });
  });

  app.post('/metrics/downsample-bulk', { schema: { body: DownsampleBulkRequest } }, async (req): Promise<DownsampleBulkReply> => {
    const b = req.body;
    // the whole request is refused for a bad range, before any run is read
    for (const r of b.runs) checkRange(r.x_min, r.x_max);
    const results = await Promise.all(
      b.runs.map(async (r) => {
        try {
          const reply = await store.downsample(r.run_id, b.metric_key, { axis: b.x_axis ?? 'step', buckets: b.buckets ?? DEFAULT_BUCKETS, xMin: r.x_min, xMax: r.x_max });
          return { run_id: r.run_id, reply };
        } catch (err) {
          // one run that cannot be read (deleted meanwhile) does not take the others with it
          if (err instanceof MlflowError) return { run_id: r.run_id, error_code: err.code, message: err.message };
          throw err;
        }
      }),
    );
    return { results };
  });
};

/** A range whose ends are the wrong way round is the caller's mistake. */
function checkRange(xMin: number | undefined, xMax: number | undefined): void {
  if (xMin !== undefined && xMax !== undefined && xMin > xMax) throw invalidParameter(`x_min (${xMin}) must not be greater than x_max (${xMax}).`);
}
