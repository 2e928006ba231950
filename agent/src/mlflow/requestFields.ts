/**
 * Small readers for request fields whose wire form is looser than their meaning:
 * int64 as number or string, doubles with non-finite strings, run_id or run_uuid, and
 * query-string lists given once or repeated.
 */
import { fromWireDouble, type Double, type Int64, type QueryList } from '@lablog/schema';
import { invalidParameter, missingParameter } from '../errors.js';

/** An int64 field as a JS number. @throws INVALID_PARAMETER_VALUE beyond the safe integer range */
export function int64(v: Int64, name: string): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n)) throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: not an integer lablog can store exactly.`);
  return n;
}

/** An optional int64 field. */
export function optionalInt64(v: Int64 | undefined, name: string): number | undefined {
  return v === undefined ? undefined : int64(v, name);
}

/** A double field ("NaN", "Infinity", "-Infinity" included) as a JS number. */
export function double(v: Double): number {
  return fromWireDouble(v);
}

/** The run a request names: `run_id`, or the deprecated `run_uuid`. */
export function runIdOf(req: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const id = req.run_id || req.run_uuid;
  if (!id) throw missingParameter('run_id');
  return id;
}

/** A query-string list given as one value or as repeated keys. */
export function listOf(v: QueryList | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
