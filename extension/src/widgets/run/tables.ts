/**
 * Small read-only tables of the run page (info, params, tags, inputs, model versions), built
 * from rows of cells: a cell is text, or a node (a link, a status badge).
 */
import type { Navigator } from '../context.js';
import type { Route } from '../routes.js';
import { navigableRows } from './rowKeys.js';

/** A table cell: text, or a node such as a link. */
export type Cell = string | Node;

/** Options of `table`. */
export interface TableOptions {
  /** Class added to the table (besides `ll-table`). */
  className?: string;
  /** Per column: extra cell class (e.g. `ll-mono`, `ll-num`). */
  columnClasses?: Array<string | undefined>;
  /** A `data-key` per row, so tests and focus can find a row again. */
  rowKeys?: string[];
}

/** A `ll-table` with a header row and keyboard-navigable body rows. */
export function table(head: string[], rows: Cell[][], o: TableOptions = {}): HTMLTableElement {
  const t = document.createElement('table');
  t.className = `ll-table${o.className ? ` ${o.className}` : ''}`;
  const thead = t.createTHead().insertRow();
  for (const h of head) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    thead.append(th);
  }
  const body = t.createTBody();
  rows.forEach((cells, r) => {
    const tr = body.insertRow();
    const key = o.rowKeys?.[r];
    if (key !== undefined) tr.dataset.key = key;
    cells.forEach((c, i) => {
      const td = tr.insertCell();
      const cls = o.columnClasses?.[i];
      if (cls) td.className = cls;
      if (typeof c === 'string') {
        td.textContent = c;
        td.title = c;
      } else td.append(c);
    });
  });
  navigableRows(t);
  return t;
}

/** A link to a view: an `<a href>` where views have URLs, else a button that navigates. */
export function routeLink(nav: Navigator, route: Route, text: string): HTMLElement {
  const href = nav.href(route);
  if (href === null) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'll-link-button';
    b.textContent = text;
    b.addEventListener('click', () => nav.go(route));
    return b;
  }
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  return a;
}

/** A section: a heading and its content (or a muted line saying there is none). */
export function section(title: string, name: string, content: Node | string): HTMLElement {
  const s = document.createElement('section');
  s.className = 'll-run-section';
  s.dataset.section = name;
  const h = document.createElement('h2');
  h.textContent = title;
  s.append(h);
  if (typeof content === 'string') {
    const p = document.createElement('p');
    p.className = 'll-muted';
    p.textContent = content;
    s.append(p);
  } else s.append(content);
  return s;
}

/** A status badge (`ll-status ll-status-<STATUS>`). */
export function statusBadge(status: string): HTMLElement {
  const b = document.createElement('span');
  b.className = `ll-status ll-status-${status}`;
  b.textContent = status;
  return b;
}
