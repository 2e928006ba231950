/**
 * JSON for the store's files. Metric values may be NaN or ±Infinity, which JSON cannot hold;
 * they are written as the strings MLflow uses on the wire and read back as numbers.
 */
import { fromWireDouble, wireDoubleJson } from '@lablog/schema';

/** The JSON token for a metric value: a number, or "NaN" / "Infinity" / "-Infinity" quoted. */
export function numberToJson(v: number): string {
  return wireDoubleJson(v);
}

/** A metric value as it appears in JSON (number or the non-finite strings) back to a number. */
export function jsonToNumber(v: unknown): number {
  return fromWireDouble(v);
}

/** JSON.stringify that keeps non-finite numbers as strings. */
export function stringifyDoc(data: unknown): string {
  return JSON.stringify(data, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? numberToJson(v).slice(1, -1) : v), 1);
}

