/**
 * `GET <prefix>/metrics/downsample`: a metric's history reduced to min/max/last per x bucket,
 * for charts (the query and reply are `DownsampleQuery`/`DownsampleReply` in @lablog/schema).
 * Served from the run's metric columns (see ColumnCache), so a million-point metric answers
 * in milliseconds once its run has been read, and appends only add what is new.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DownsampleQuery } from '@lablog/schema';
import { invalidParameter } from '../errors.js';
import type { FileStore } from '../store/FileStore.js';
import { columnCacheOf } from './ColumnCache.js';
import { downsample } from './downsample.js';

/** Buckets when the query gives none. */
export const DEFAULT_BUCKETS = 1000;

/** Registers the downsampling endpoint. */
export const downsampleRoutes: FastifyPluginAsyncTypebox<{ store: FileStore }> = async (app, { store }) => {
  const cache = columnCacheOf(store);
  app.get('/metrics/downsample', { schema: { querystring: DownsampleQuery } }, async (req) => {
    const q = req.query;
    if (q.x_min !== undefined && q.x_max !== undefined && q.x_min > q.x_max) {
      throw invalidParameter(`x_min (${q.x_min}) must not be greater than x_max (${q.x_max}).`);
    }
    const cols = await cache.columns(q.run_id); // RESOURCE_DOES_NOT_EXIST for an unknown run
    return downsample(q.metric_key, cols.column(q.metric_key), {
      axis: q.x_axis ?? 'step',
      buckets: q.buckets ?? DEFAULT_BUCKETS,
      xMin: q.x_min,
      xMax: q.x_max,
    });
  });
};
