/**
 * Downsampling in SQL, with the file engine's semantics (lablog/downsample): the points in
 * [xMin, xMax] split over the extent of their x into n equal buckets; per bucket the x of its
 * last point (greatest x), that point's value, min and max of the finite values, and the count;
 * every point as it is when there are no more than n. The (run, key, step) index bounds the scan.
 */
import type pg from 'pg';
import type { DownsampleReply } from '@lablog/schema';
import type { DownsampleRequest } from '../TrackingStore.js';
import { SqlParams } from './runSearchSql.js';

const FINITE = `value NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)`;

function fin(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/** Min/max/last per bucket of metric `key` of the run numbered `rid`. */
export async function pgDownsample(q: pg.Pool, rid: number, key: string, req: DownsampleRequest): Promise<DownsampleReply> {
  const x = req.axis === 'step' ? 'step' : 'ts';
  const p = new SqlParams();
  let where = `rid = ${p.add(rid)} AND key = ${p.add(key)}`;
  if (req.xMin !== undefined) where += ` AND ${x} >= ${p.add(req.xMin)}::float8`;
  if (req.xMax !== undefined) where += ` AND ${x} <= ${p.add(req.xMax)}::float8`;
  const out: DownsampleReply = { metric_key: key, x_axis: req.axis, total: 0, exact: true, x: [], min: [], max: [], last: [], count: [] };
  const ext = (await q.query<{ n: number; x0: number | null; x1: number | null }>(`SELECT count(*)::int8 AS n, min(${x}) AS x0, max(${x}) AS x1 FROM metrics WHERE ${where}`, p.values)).rows[0]!;
  out.total = ext.n;
  if (ext.n === 0) return out;
  if (ext.n <= req.buckets) {
    const { rows } = await q.query<{ x: number; value: number }>(`SELECT ${x} AS x, value FROM metrics WHERE ${where} ORDER BY ${x}, step, ts`, p.values);
    for (const r of rows) {
      out.x.push(r.x);
      out.min.push(fin(r.value));
      out.max.push(fin(r.value));
      out.last.push(fin(r.value));
      out.count.push(1);
    }
    return out;
  }
  out.exact = false;
  const n = req.buckets;
  const span = ext.x1! - ext.x0!;
  const scale = span > 0 ? n / span : 0;
  const b = `least(${p.add(n - 1)}::int8, floor((${x} - ${p.add(ext.x0)}::float8) * ${p.add(scale)}::float8)::int8)`;
  // one pass for min, max, count and each bucket's greatest x; then each bucket's last value
  // read at that x through the (run, key, step) index (on the time axis, kept in the pass)
  const last =
    x === 'step'
      ? `(SELECT value FROM metrics m WHERE m.rid = ${p.add(rid)} AND m.key = ${p.add(key)} AND m.step = g.x ORDER BY m.ts DESC, m.ctid DESC LIMIT 1)`
      : 'g.last';
  const keepLast = x === 'step' ? '' : `, (array_agg(value ORDER BY ${x} DESC))[1] AS last`;
  const { rows } = await q.query<{ x: number; mn: number | null; mx: number | null; last: number; c: number }>(
    `WITH g AS (SELECT ${b} AS b, max(${x}) AS x, min(value) FILTER (WHERE ${FINITE}) AS mn, max(value) FILTER (WHERE ${FINITE}) AS mx,
                       count(*)::int8 AS c${keepLast}
                  FROM metrics WHERE ${where} GROUP BY 1)
     SELECT g.x, g.mn, g.mx, g.c, ${last} AS last FROM g ORDER BY g.b`,
    p.values,
  );
  for (const r of rows) {
    out.x.push(r.x);
    out.min.push(fin(r.mn));
    out.max.push(fin(r.mx));
    out.last.push(fin(r.last));
    out.count.push(r.c);
  }
  return out;
}
