/**
 * JSON for the store's files. Metric values may be NaN or ±Infinity, which JSON cannot hold;
 * they are written as the strings MLflow uses on the wire and read back as numbers.
 */

/** The JSON token for a metric value: a number, or "NaN" / "Infinity" / "-Infinity" quoted. */
export function numberToJson(v: number): string {
  if (Number.isFinite(v)) return String(v);
  if (Number.isNaN(v)) return '"NaN"';
  return v > 0 ? '"Infinity"' : '"-Infinity"';
}

/** A metric value as it appears in JSON (number or the non-finite strings) back to a number. */
export function jsonToNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

/** JSON.stringify that keeps non-finite numbers as strings. */
export function stringifyDoc(data: unknown): string {
  return JSON.stringify(data, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? numberToJson(v).slice(1, -1) : v), 1);
}

