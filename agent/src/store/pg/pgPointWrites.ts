/**
 * Adds a batch's points to a run on PostgreSQL, inside the batch's transaction (the run's row is
 * locked, so the run's chunks hold still): per metric, the points join the chunk just before them
 * while it is small, or become new chunks, or — when they fall among points already stored (steps
 * logged out of order) — are merged with the chunks they overlap, which are written again. The
 * latest value per key is kept in the same round trip, by the shared rule (replacesLatest).
 */
import type pg from 'pg';
import { replacesLatest, toWireDouble } from '@lablog/schema';
import type { MetricPoint } from '../records.js';
import { APPEND_MAX, chunkRow, comparePoints, inStoreOrder, mergePoints, splitChunks, type ChunkRow } from './metricChunks.js';
import { readChunks } from './pgChunkReads.js';
import { sqlNumber } from './pgCopyOut.js';

/** Where a key's new points fall among its chunks. */
interface Placement {
  key: string;
  /** The chunk right before the points (its seq and size), if any. */
  prevSeq: number | null;
  prevN: number | null;
  /** The first chunk that is not before them, if any, and its first (step, ts). */
  nextSeq: number | null;
  nextStep: number | null;
  nextTs: number | null;
}

/** Points of each key, in logging order. */
function byKey(points: readonly MetricPoint[]): Map<string, MetricPoint[]> {
  const out = new Map<string, MetricPoint[]>();
  for (const p of points) {
    let list = out.get(p.key);
    if (!list) out.set(p.key, (list = []));
    list.push(p);
  }
  return out;
}

/** Stores `points` of the run numbered `rid` (of experiment `experimentId`) and its latest values. */
export async function insertPoints(c: pg.PoolClient, rid: number, experimentId: string, points: readonly MetricPoint[]): Promise<void> {
  const keys = [...byKey(points)].map(([key, list]) => ({ key, logged: list, sorted: inStoreOrder(list) }));
  const { rows } = await c.query<Placement>(
    `SELECT k.key, p.seq AS "prevSeq", p.n AS "prevN", x.seq AS "nextSeq", x.first_step AS "nextStep", x.first_ts AS "nextTs"
       FROM unnest($2::text[], $3::int8[], $4::int8[]) AS k(key, s, t)
       LEFT JOIN LATERAL (SELECT seq, n FROM metric_chunks c WHERE c.rid = $1 AND c.key = k.key AND (c.last_step, c.last_ts) <= (k.s, k.t)
                          ORDER BY c.last_step DESC, c.last_ts DESC, c.seq DESC LIMIT 1) p ON true
       LEFT JOIN LATERAL (SELECT seq, first_step, first_ts FROM metric_chunks c WHERE c.rid = $1 AND c.key = k.key AND (c.last_step, c.last_ts) > (k.s, k.t)
                          ORDER BY c.last_step, c.last_ts, c.seq LIMIT 1) x ON true`,
    [rid, keys.map((k) => k.key), keys.map((k) => k.sorted[0]!.step), keys.map((k) => k.sorted[0]!.timestamp)],
  );
  const placed = new Map(rows.map((r) => [r.key, r]));
  const appends: Array<{ seq: number; row: ChunkRow }> = [];
  const inserts: Array<{ key: string; row: ChunkRow }> = [];
  for (const { key, sorted } of keys) {
    const at = placed.get(key)!;
    const last = sorted[sorted.length - 1]!;
    if (at.nextSeq !== null && comparePoints({ key, value: 0, step: at.nextStep!, timestamp: at.nextTs! }, last) <= 0) {
      // among points already stored: merged with the chunks it overlaps, which are written again
      for (const piece of splitChunks(await takeOverlapped(c, rid, key, sorted))) inserts.push({ key, row: chunkRow(piece) });
    } else if (at.prevSeq !== null && at.prevN! + sorted.length <= APPEND_MAX) {
      appends.push({ seq: at.prevSeq, row: chunkRow(sorted) });
    } else {
      for (const piece of splitChunks(sorted)) inserts.push({ key, row: chunkRow(piece) });
    }
  }
  const latest = keys.map(({ key, logged }) => logged.reduce((cur, p) => (replacesLatest(p, cur) ? p : cur)));
  const cols = (list: ChunkRow[]) => [list.map((r) => r.n), list.map((r) => r.steps), list.map((r) => r.stamps), list.map((r) => r.vals), list.map((r) => r.lastStep), list.map((r) => r.lastTs), list.map((r) => r.tsLo), list.map((r) => r.tsHi)];
  await c.query(
    `WITH app AS (
       UPDATE metric_chunks c SET n = c.n + u.n, steps = c.steps || u.steps, stamps = c.stamps || u.stamps, vals = c.vals || u.vals,
              last_step = u.last_step, last_ts = u.last_ts, ts_lo = least(c.ts_lo, u.ts_lo), ts_hi = greatest(c.ts_hi, u.ts_hi)
         FROM unnest($3::int8[], $4::int4[], $5::bytea[], $6::bytea[], $7::bytea[], $8::int8[], $9::int8[], $10::int8[], $11::int8[])
              AS u(seq, n, steps, stamps, vals, last_step, last_ts, ts_lo, ts_hi)
        WHERE c.seq = u.seq),
     ins AS (
       INSERT INTO metric_chunks (rid, key, n, steps, stamps, vals, last_step, last_ts, ts_lo, ts_hi, first_step, first_ts)
       SELECT $1, u.* FROM unnest($12::text[], $13::int4[], $14::bytea[], $15::bytea[], $16::bytea[], $17::int8[], $18::int8[], $19::int8[], $20::int8[], $21::int8[], $22::int8[]) AS u)
     INSERT INTO latest_metrics (rid, experiment_id, key, value, ts, step)
       SELECT $1, $2, u.* FROM unnest($23::text[], $24::float8[], $25::int8[], $26::int8[]) AS u
     ON CONFLICT (rid, key) DO UPDATE SET value = EXCLUDED.value, ts = EXCLUDED.ts, step = EXCLUDED.step
       WHERE (EXCLUDED.step, EXCLUDED.ts) >= (latest_metrics.step, latest_metrics.ts)`,
    [
      rid,
      experimentId,
      appends.map((a) => a.seq),
      ...cols(appends.map((a) => a.row)),
      inserts.map((i) => i.key),
      ...cols(inserts.map((i) => i.row)),
      inserts.map((i) => i.row.firstStep),
      inserts.map((i) => i.row.firstTs),
      latest.map((p) => p.key),
      // non-finite values travel as PostgreSQL's float8 words
      latest.map((p) => toWireDouble(p.value)),
      latest.map((p) => p.timestamp),
      latest.map((p) => p.step),
    ],
  );
}

/**
 * Removes the chunks of `key` that `points` (in store order) fall among and returns their points
 * merged with `points` (stored ones first on ties: they were logged earlier).
 */
async function takeOverlapped(c: pg.PoolClient, rid: number, key: string, points: readonly MetricPoint[]): Promise<MetricPoint[]> {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const chunks = await readChunks(
    c,
    rid,
    key,
    `(last_step, last_ts) > (${sqlNumber(first.step)}, ${sqlNumber(first.timestamp)}) AND (first_step, first_ts) <= (${sqlNumber(last.step)}, ${sqlNumber(last.timestamp)})`,
  );
  await c.query('DELETE FROM metric_chunks WHERE seq = ANY($1::int8[])', [chunks.seqs]);
  const stored: MetricPoint[] = new Array(chunks.length);
  for (let i = 0; i < chunks.length; i++) stored[i] = { key, step: chunks.step[i]!, timestamp: chunks.time[i]!, value: chunks.value[i]! };
  return mergePoints(stored, points);
}
