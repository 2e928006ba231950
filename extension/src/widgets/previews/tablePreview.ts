/**
 * `mlflow.log_table` output: a JSON file `{"columns": [...], "data": [[...], ...]}` shown as the
 * table it is, not as raw JSON.
 */
import { CSV_MAX_ROWS, rowsTable } from './csvPreview.js';
import { el } from './dom.js';

/** The shape `mlflow.log_table` writes. */
interface LoggedTable {
  columns: unknown[];
  data: unknown[][];
}

/** Whether `value` is what `mlflow.log_table` writes. */
export function isLoggedTable(value: unknown): value is LoggedTable {
  const v = value as Partial<LoggedTable> | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.columns) && Array.isArray(v.data) && v.data.every((r) => Array.isArray(r));
}

const cell = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The table of a `log_table` file (the first rows of a long one). */
export function tablePreview(t: LoggedTable): HTMLElement {
  const box = el('div', 'll-preview-csv ll-preview-table');
  const rows = t.data.slice(0, CSV_MAX_ROWS).map((r) => r.map(cell));
  return rowsTable(box, t.columns.map(cell), rows, t.data.length > CSV_MAX_ROWS);
}
