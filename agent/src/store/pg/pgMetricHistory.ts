/**
 * A metric's history on PostgreSQL, from its chunks (see metricChunks): in the store's order —
 * step, then timestamp, then logging order — every point as logged, duplicates at one step and
 * NaN/±Infinity included. The pages of a metric come from its columns in PgColumnCache, read once
 * while nothing is written; a metric too large for the cache is read a page at a time, only the
 * chunks the page overlaps, found by the chunks' running point counts in the same statement (one
 * snapshot: a write between two reads cannot shift it).
 */
import type pg from 'pg';
import type { MetricPoint } from '../records.js';
import { CHUNK_ORDER, chunksOf, readChunkQuery, type ChunkColumns } from './pgChunkReads.js';
import type { MetricAt, PgColumnCache } from './PgColumnCache.js';
import { sqlNumber } from './pgCopyOut.js';

function points(key: string, cols: ChunkColumns, from: number, to: number): MetricPoint[] {
  const out: MetricPoint[] = new Array(Math.max(0, to - from));
  for (let i = from; i < to; i++) out[i - from] = { key, value: cols.value[i]!, timestamp: cols.time[i]!, step: cols.step[i]! };
  return out;
}

/** Points of a metric, all or `range` of them: from the cache, or (a metric larger than it holds) the chunks the page meets. */
export async function pgMetricHistory(q: pg.Pool, cache: PgColumnCache, at: MetricAt, range?: { offset: number; limit: number }): Promise<MetricPoint[]> {
  const { rid, key } = at;
  const from = range?.offset ?? 0;
  const to = range ? from + range.limit : Number.MAX_SAFE_INTEGER;
  const all = await cache.columns(at);
  if (all) return points(key, all, from, Math.min(all.length, to));
  const cols = await readChunkQuery(
    q,
    `WITH h AS (SELECT seq, n, (sum(n) OVER (ORDER BY ${CHUNK_ORDER}) - n)::int8 AS start FROM metric_chunks WHERE ${chunksOf(rid, key)})
     SELECT c.seq, h.start, c.steps, c.stamps, c.vals FROM h JOIN metric_chunks c ON c.seq = h.seq
      WHERE h.start < ${sqlNumber(to)} AND h.start + h.n > ${sqlNumber(from)} ORDER BY h.start`,
  );
  if (cols.seqs.length === 0) return [];
  const first = cols.starts[0]!;
  return points(key, cols, from - first, Math.min(cols.length, to - first));
}
