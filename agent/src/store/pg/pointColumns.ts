/**
 * A metric chunk's columns (steps, timestamps, values) as the bytes kept in its `bytea` columns:
 * IEEE 754 doubles, big-endian — PostgreSQL's own `float8send` layout, so a migration can build
 * chunks in SQL. Doubles keep NaN and ±Infinity as they are, and steps and timestamps (integers
 * below 2^53, as every JS number of the store) exactly. 8 bytes a number, no per-point row.
 */
import { endianness } from 'node:os';

const SWAP = endianness() === 'LE';

/** The bytes of `values` (copied). */
export function encodeColumn(values: ArrayLike<number>): Buffer {
  const a = Float64Array.from(values);
  const buf = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return SWAP ? buf.swap64() : buf;
}

/** The numbers in `bytes` (which are left as they are). */
export function decodeColumn(bytes: Buffer): Float64Array<ArrayBuffer> {
  const out = new Float64Array(bytes.length / 8);
  const view = Buffer.from(out.buffer);
  bytes.copy(view);
  if (SWAP) view.swap64();
  return out;
}
