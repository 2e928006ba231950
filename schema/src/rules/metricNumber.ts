/**
 * The number codec of metric values, the one the agent, the client and the extension share:
 * MLflow's protobuf JSON writes a double that is not finite as the string "NaN", "Infinity" or
 * "-Infinity"; everywhere else it is a JSON number.
 */

/** A metric value on the wire: a number, or one of the strings for values that are not finite. */
export type WireDouble = number | 'NaN' | 'Infinity' | '-Infinity';

/** A JS number as MLflow's JSON carries it. */
export function toWireDouble(v: number): WireDouble {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

/** A wire value (or any JSON value that should be one) as a JS number; other strings parse as `Number` does. */
export function fromWireDouble(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

/** The JSON text of a value: a number, or the string quoted (for writers that build JSON by hand). */
export function wireDoubleJson(v: number): string {
  const w = toWireDouble(v);
  return typeof w === 'number' ? String(w) : `"${w}"`;
}
