/**
 * Reads of a metric's chunks (see metricChunks): the chunks' rows in the metric's order, moved by
 * binary COPY (pgCopyOut: the columns' bytes as they are kept) and laid end to end as columns —
 * the form the downsampler scans and a history page slices.
 */
import type pg from 'pg';
import { copyRows, sqlLiteral, sqlNumber } from './pgCopyOut.js';
import { decodeColumn } from './pointColumns.js';

/** Points of some chunks of one metric, in the metric's order, as columns. */
export interface ChunkColumns {
  /** The chunks read, in order, and where each starts in the metric (when the read asked). */
  seqs: number[];
  starts: number[];
  length: number;
  step: Float64Array<ArrayBuffer>;
  time: Float64Array<ArrayBuffer>;
  value: Float64Array<ArrayBuffer>;
}

/** The order of a metric's chunks (see metricChunks). */
export const CHUNK_ORDER = 'last_step, last_ts, seq';

/** The `metric_chunks` rows of metric `key` of run `rid` (an SQL condition, values inlined). */
export function chunksOf(rid: number, key: string): string {
  return `rid = ${sqlNumber(rid)} AND key = ${sqlLiteral(key)}`;
}

function concat(parts: readonly Float64Array[], length: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The chunks `query` selects, laid end to end in the order it returns them. Its columns: seq
 * (int8), start (int8, or NULL), steps, stamps, vals.
 */
export async function readChunkQuery(q: pg.Pool | pg.PoolClient, query: string): Promise<ChunkColumns> {
  const rows = await copyRows(q, query);
  const step: Float64Array[] = [];
  const time: Float64Array[] = [];
  const value: Float64Array[] = [];
  let length = 0;
  for (const r of rows) {
    step.push(decodeColumn(r[2]!));
    time.push(decodeColumn(r[3]!));
    value.push(decodeColumn(r[4]!));
    length += value[value.length - 1]!.length;
  }
  return {
    seqs: rows.map((r) => Number(r[0]!.readBigInt64BE())),
    starts: rows.map((r) => (r[1] ? Number(r[1].readBigInt64BE()) : 0)),
    length,
    step: concat(step, length),
    time: concat(time, length),
    value: concat(value, length),
  };
}

/**
 * The chunks of metric `key` of run `rid` that `where` (an SQL condition, values inlined) selects,
 * or all; with `only`, just that column and the values (the other comes back empty: a third less
 * to move).
 */
export function readChunks(q: pg.Pool | pg.PoolClient, rid: number, key: string, where?: string, only?: 'steps' | 'stamps'): Promise<ChunkColumns> {
  const [steps, stamps] = only === undefined ? ['steps', 'stamps'] : only === 'steps' ? ['steps', "''::bytea"] : ["''::bytea", 'stamps'];
  return readChunkQuery(
    q,
    `SELECT seq, NULL::int8, ${steps}, ${stamps}, vals FROM metric_chunks WHERE ${chunksOf(rid, key)}${where ? ` AND ${where}` : ''} ORDER BY ${CHUNK_ORDER}`,
  );
}
