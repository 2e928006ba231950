/**
 * `GET <prefix>/metrics/downsample`: a metric's history reduced to min/max/last per x bucket,
 * for charts (the query and reply are `DownsampleQuery`/`DownsampleReply` in @lablog/schema).
 * The store reduces it where the points are: the file engine from its metric columns (see
 * ColumnCache), PostgreSQL in SQL.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DownsampleQuery } from '@lablog/schema';
import { invalidParameter } from '../errors.js';
import type { TrackingStore } from '../store/TrackingStore.js';

/** Buckets when the query gives none. */
export const DEFAULT_BUCKETS = 1000;

/** Registers the downsampling endpoint. */
export const downsampleRoutes: FastifyPluginAsyncTypebox<{ store: TrackingStore }> = async (app, { store }) => {
  app.get('/metrics/downsample', { schema: { querystring: DownsampleQuery } }, async (req) => {
    const q = req.query;
    if (q.x_min !== undefined && q.x_max !== undefined && q.x_min > q.x_max) {
      throw invalidParameter(`x_min (${q.x_min}) must not be greater than x_max (${q.x_max}).`);
    }
    // RESOURCE_DOES_NOT_EXIST for an unknown run
    return store.downsample(q.run_id, q.metric_key, {
      axis: q.x_axis ?? 'step',
      buckets: q.buckets ?? DEFAULT_BUCKETS,
      xMin: q.x_min,
      xMax: q.x_max,
    });
  });
};
