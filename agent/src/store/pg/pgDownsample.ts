/**
 * Downsampling on PostgreSQL: the metric's columns (PgColumnCache; for a metric too large for it,
 * the chunks whose x range meets [xMin, xMax]) are reduced by the very function the file engine uses (lablog/downsample), so
 * the buckets, the NaN/±Infinity rule and each bucket's last point are one rule. The columns are
 * in the store's order (step, timestamp, logging): on the step axis x is sorted and scanned once;
 * among points of equal x, the bucket's last is the last in that order.
 */
import type pg from 'pg';
import type { DownsampleReply } from '@lablog/schema';
import { downsample } from '../../lablog/downsample.js';
import { MetricColumn } from '../../lablog/MetricColumn.js';
import type { DownsampleRequest } from '../TrackingStore.js';
import type { MetricAt, PgColumnCache } from './PgColumnCache.js';
import { readChunks } from './pgChunkReads.js';
import { sqlNumber } from './pgCopyOut.js';

/** Min/max/last per bucket of a metric: from the cache, or (a metric larger than it holds) the chunks in range. */
export async function pgDownsample(q: pg.Pool, cache: PgColumnCache, at: MetricAt, req: DownsampleRequest): Promise<DownsampleReply> {
  const { rid, key } = at;
  const all = await cache.columns(at);
  if (all) return downsample(key, MetricColumn.of(all.step, all.time, all.value, all.length), req);
  // a chunk's steps run from its first to its last; its timestamps need not be in order
  const [lo, hi] = req.axis === 'step' ? ['first_step', 'last_step'] : ['ts_lo', 'ts_hi'];
  const where: string[] = [];
  if (req.xMin !== undefined) where.push(`${hi} >= ${sqlNumber(req.xMin)}::float8`);
  if (req.xMax !== undefined) where.push(`${lo} <= ${sqlNumber(req.xMax)}::float8`);
  const cols = await readChunks(q, rid, key, where.join(' AND '), req.axis === 'step' ? 'steps' : 'stamps');
  return downsample(key, MetricColumn.of(cols.step, cols.time, cols.value, cols.length), req);
}
