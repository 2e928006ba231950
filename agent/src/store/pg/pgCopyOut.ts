/**
 * Rows of a query read through `COPY … TO STDOUT (FORMAT binary)`: every field as the bytes
 * PostgreSQL sends for it (a bytea's own bytes, an int8's eight big-endian ones). node-pg's query
 * results turn bytea into hex text and back (and its binary results decode fields as UTF-8, which
 * mangles them), doubling what a 1M-point history costs to move; COPY moves the bytes once.
 * COPY takes no parameters: the query's values are inlined with `sqlLiteral`/`sqlNumber`.
 */
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

const SIGNATURE_LENGTH = 11;

/** A string as an SQL literal. */
export function sqlLiteral(s: string): string {
  return pg.escapeLiteral(s);
}

/** A finite number as an SQL literal. @throws for NaN and ±Infinity, which have none */
export function sqlNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`sqlNumber: ${n} is not finite`);
  return String(n);
}

/**
 * The rows of `query` (no placeholders), each a list of fields (null for SQL NULL); on a pool's
 * connection of its own, or on `q` itself when it is a client (inside its transaction).
 */
export async function copyRows(q: pg.Pool | pg.PoolClient, query: string): Promise<Array<Array<Buffer | null>>> {
  const c = q instanceof pg.Pool ? await q.connect() : q;
  let data: Buffer;
  try {
    const parts: Buffer[] = [];
    const stream = c.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`));
    for await (const part of stream) parts.push(part as Buffer);
    data = Buffer.concat(parts);
  } finally {
    if (c !== q) c.release();
  }
  return parseBinaryCopy(data);
}

/** Rows of a binary COPY stream: signature, flags, header extension, then tuples until -1. */
export function parseBinaryCopy(data: Buffer): Array<Array<Buffer | null>> {
  let at = SIGNATURE_LENGTH + 4;
  at += 4 + data.readInt32BE(at);
  const rows: Array<Array<Buffer | null>> = [];
  for (;;) {
    const fields = data.readInt16BE(at);
    at += 2;
    if (fields === -1) return rows;
    const row: Array<Buffer | null> = new Array(fields);
    for (let i = 0; i < fields; i++) {
      const len = data.readInt32BE(at);
      at += 4;
      if (len === -1) row[i] = null;
      else {
        row[i] = data.subarray(at, at + len);
        at += len;
      }
    }
    rows.push(row);
  }
}
