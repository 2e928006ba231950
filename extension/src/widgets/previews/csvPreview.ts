/** CSV/TSV preview: the first rows as a table, the first record as its header. */
import { parseCsv } from './csv.js';
import { el, note } from './dom.js';
import type { Truncation } from './textPreview.js';

/** Records shown at most (header included). */
export const CSV_MAX_ROWS = 1000;

/**
 * Shows delimited text as a table.
 * @param text the (start of the) file
 * @param delimiter `,` or `\t`
 * @param truncation given when the file goes on past `text` (its last, maybe cut, record is left out)
 */
export function csvPreview(text: string, delimiter: string, truncation?: Truncation): HTMLElement {
  const box = el('div', 'll-preview-csv');
  const { rows, more } = parseCsv(text, delimiter, CSV_MAX_ROWS, truncation !== undefined);
  const records = rows.filter((r) => r.length > 1 || r[0] !== '');
  const [header, ...body] = records;
  if (!header) {
    box.append(note('This file has no rows.'));
    return box;
  }
  return rowsTable(box, header, body, more);
}

/**
 * Fills `box` with a table of `header` and `body` rows (numbers right-aligned) and a line
 * counting them; `more`: the rows shown are the first of more.
 */
export function rowsTable(box: HTMLElement, header: readonly string[], body: ReadonlyArray<readonly string[]>, more: boolean): HTMLElement {
  const width = Math.max(header.length, ...body.map((r) => r.length));
  const table = el('table', 'll-table ll-csv-table');
  const thead = el('thead');
  const hr = el('tr');
  for (let c = 0; c < width; c++) hr.append(el('th', '', header[c] ?? ''));
  thead.append(hr);
  const tbody = el('tbody');
  for (const r of body) {
    const tr = el('tr');
    for (let c = 0; c < width; c++) {
      const v = r[c] ?? '';
      const td = el('td', isNumeric(v) ? 'll-num' : '', v);
      td.title = v;
      tr.append(td);
    }
    tbody.append(tr);
  }
  table.append(thead, tbody);
  const count = `${body.length} row${body.length === 1 ? '' : 's'} × ${width} column${width === 1 ? '' : 's'}`;
  box.append(note(more ? `Showing the first ${count}.` : count));
  const scroller = el('div', 'll-preview-scroll');
  scroller.append(table);
  box.append(scroller);
  return box;
}

function isNumeric(v: string): boolean {
  return v.trim() !== '' && Number.isFinite(Number(v));
}
