/**
 * Request values as MLflow's Python server prints them in its messages (`str(value)`: `None`,
 * `True`, `9.0`, `foo`, `[{'key': 'mae', 'value': 2.5}]`), so the agent's "Invalid value …"
 * errors read as MLflow's and clients matching on them keep working.
 */

function pyFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}

function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}

/** Python's `repr` of a JSON value as `json.loads` would give it (integers stay ints). */
export function pyRepr(v: unknown, isFloat = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return isFloat || !Number.isInteger(v) ? pyFloat(v) : String(v);
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x)).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
}

/** Python's `str` of a JSON value: strings bare, everything else as `repr`. */
export function pyStr(v: unknown, isFloat = false): string {
  return typeof v === 'string' ? v : pyRepr(v, isFloat);
}

/** Python's `type(value).__name__` of a JSON value. */
export function pyTypeName(v: unknown, isFloat = false): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return isFloat || !Number.isInteger(v) ? 'float' : 'int';
  if (typeof v === 'string') return 'str';
  return Array.isArray(v) ? 'list' : 'dict';
}
