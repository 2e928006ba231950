/**
 * How the PostgreSQL store keeps a metric's points: in chunks (rows of `metric_chunks`) of up to
 * CHUNK_MAX points, each chunk's points in the store's order — step, then timestamp, then logging
 * order — and the chunks of one run's metric never interleaving: chunk A comes before chunk B
 * when A's last (step, timestamp) is at most B's first, ties going to the one written first.
 * So the chunks ordered by (last step, last timestamp, seq) are the metric's history, and a page
 * or a downsample reads a few rows instead of one row (and one index entry) per point — the bloat
 * of MLflow's metrics table (mlflow#12813) is the per-point row and its wide key.
 *
 * This module is the ordering rule and the chunk's columns; pgPointWrites keeps the rule in SQL.
 */
import type { MetricPoint } from '../records.js';
import { encodeColumn } from './pointColumns.js';

/** Most points a chunk holds (a batch or a merge larger than this is split). */
export const CHUNK_MAX = 4096;
/**
 * A chunk takes the points written right after it while it stays this small, instead of a new
 * chunk beside it: a metric logged a point at a time makes chunks of this size, each append
 * rewriting at most this many points.
 */
export const APPEND_MAX = 256;

/** Order of two points by (step, timestamp); 0 when equal (logging order decides). */
export function comparePoints(a: MetricPoint, b: MetricPoint): number {
  return a.step - b.step || a.timestamp - b.timestamp;
}

/** The points of one batch in the store's order (a stable sort: logging order kept on ties). */
export function inStoreOrder(points: readonly MetricPoint[]): MetricPoint[] {
  for (let i = 1; i < points.length; i++) if (comparePoints(points[i - 1]!, points[i]!) > 0) return [...points].sort(comparePoints);
  return [...points];
}

/** `older` and `newer` (each in store order) as one list in store order; on ties older first. */
export function mergePoints(older: readonly MetricPoint[], newer: readonly MetricPoint[]): MetricPoint[] {
  const out: MetricPoint[] = [];
  let i = 0;
  let j = 0;
  while (i < older.length && j < newer.length) out.push(comparePoints(newer[j]!, older[i]!) < 0 ? newer[j++]! : older[i++]!);
  while (i < older.length) out.push(older[i++]!);
  while (j < newer.length) out.push(newer[j++]!);
  return out;
}

/**
 * `points` (in store order) cut into chunks of at most CHUNK_MAX, never between two points of
 * equal (step, timestamp): chunks that tie would be ordered by their seq, which a multi-row insert
 * does not promise.
 */
export function splitChunks(points: readonly MetricPoint[]): MetricPoint[][] {
  const out: MetricPoint[][] = [];
  let from = 0;
  while (from < points.length) {
    let to = Math.min(from + CHUNK_MAX, points.length);
    while (to < points.length && comparePoints(points[to - 1]!, points[to]!) === 0) to++;
    out.push(points.slice(from, to));
    from = to;
  }
  return out;
}

/** A chunk's row: its bounds (for ordering and range reads) and its columns. */
export interface ChunkRow {
  n: number;
  firstStep: number;
  firstTs: number;
  lastStep: number;
  lastTs: number;
  tsLo: number;
  tsHi: number;
  steps: Buffer;
  stamps: Buffer;
  vals: Buffer;
}

/** The row of a chunk holding `points` (in store order, at least one). */
export function chunkRow(points: readonly MetricPoint[]): ChunkRow {
  let tsLo = Infinity;
  let tsHi = -Infinity;
  for (const p of points) {
    if (p.timestamp < tsLo) tsLo = p.timestamp;
    if (p.timestamp > tsHi) tsHi = p.timestamp;
  }
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return {
    n: points.length,
    firstStep: first.step,
    firstTs: first.timestamp,
    lastStep: last.step,
    lastTs: last.timestamp,
    tsLo,
    tsHi,
    steps: encodeColumn(points.map((p) => p.step)),
    stamps: encodeColumn(points.map((p) => p.timestamp)),
    vals: encodeColumn(points.map((p) => p.value)),
  };
}
