/**
 * DiffTable — params, latest metrics and tags of the compared runs side by side, one column per
 * run. Rows whose values differ are marked (`ll-diff` on their value cells); "Only differences"
 * hides the others. Arrow keys move between cells, Home/End along a row, Enter opens a run
 * from its column header.
 */
import { Widget } from '@lumino/widgets';
import type { Navigator } from '../context.js';
import { runLabel } from '../format.js';
import type { ComparedRun } from './CompareModel.js';
import { compareRows, SECTIONS, type CompareRow } from './compareRows.js';
import { runSwatch } from './runSwatch.js';

/** The side-by-side table of a comparison. */
export class DiffTable extends Widget {
  private runs: ComparedRun[] = [];
  private onlyDiff = false;
  private readonly toggle = document.createElement('input');
  private readonly summary = document.createElement('span');
  private readonly table = document.createElement('table');
  /** The cell that takes the focus when tabbing into the table: [row id, column]. */
  private cursor: [string, number] = ['head', 0];
  private shape = '';

  /** @param diffOnlyChanged told when the user turns "Only differences" on or off */
  constructor(
    private readonly nav: Navigator,
    private readonly diffOnlyChanged: (on: boolean) => void = () => undefined,
  ) {
    super();
    this.addClass('ll-diff-table');
    const bar = document.createElement('div');
    bar.className = 'll-compare-toolbar';
    const label = document.createElement('label');
    this.toggle.type = 'checkbox';
    this.toggle.className = 'll-compare-only-diff';
    this.toggle.addEventListener('change', () => {
      this.onlyDiff = this.toggle.checked;
      this.render();
      this.diffOnlyChanged(this.onlyDiff);
    });
    label.append(this.toggle, ' Only differences');
    this.summary.className = 'll-muted';
    bar.append(label, this.summary);
    this.table.className = 'll-table ll-compare-table';
    this.table.addEventListener('keydown', (e) => this.onKey(e));
    this.table.addEventListener('focusin', (e) => this.remember(e.target as HTMLElement));
    const scroll = document.createElement('div');
    scroll.className = 'll-compare-table-scroll';
    scroll.append(this.table);
    this.node.append(bar, scroll);
  }

  /** Shows these runs, one column each, in their order and colours. */
  setRuns(runs: ComparedRun[]): void {
    this.runs = runs;
    this.render();
  }

  /** Whether only the rows that differ are shown. */
  get onlyDifferences(): boolean {
    return this.onlyDiff;
  }

  set onlyDifferences(on: boolean) {
    this.onlyDiff = this.toggle.checked = on;
    this.render();
  }

  private render(): void {
    const rows = compareRows(this.runs.map((r) => r.run));
    const shape = JSON.stringify([this.onlyDiff, this.runs.map((r) => [r.id, runLabel(r.run), r.colour]), rows]);
    if (shape === this.shape) return; // a live event that changed nothing shown
    this.shape = shape;
    const differing = rows.filter((r) => r.differ).length;
    this.summary.textContent = rows.length ? `${differing} of ${rows.length} rows differ` : '';
    const hadFocus = this.table.contains(document.activeElement);

    const thead = document.createElement('thead');
    const head = thead.insertRow();
    head.dataset.rowId = 'head';
    head.append(cell('th', 'Key', { scope: 'col' }));
    for (const r of this.runs) {
      const th = cell('th', '', { scope: 'col' });
      th.dataset.runId = r.id;
      th.className = 'll-compare-col';
      const a = document.createElement('a');
      a.href = this.nav.href({ view: 'run', runId: r.id });
      a.textContent = runLabel(r.run);
      a.tabIndex = -1; // the cell is the stop; Enter follows the link
      th.append(runSwatch(r.colour), a);
      head.append(th);
    }

    const tbody = document.createElement('tbody');
    for (const [section, title] of SECTIONS) {
      const shown = rows.filter((r) => r.section === section && (r.differ || !this.onlyDiff));
      if (!shown.length) continue;
      const tr = tbody.insertRow();
      tr.className = 'll-compare-section';
      tr.dataset.rowId = `section.${section}`;
      tr.append(cell('th', title, { scope: 'rowgroup', colSpan: String(this.runs.length + 1) }));
      for (const row of shown) tbody.append(this.rowOf(row));
    }
    if (!tbody.rows.length) {
      const tr = tbody.insertRow();
      tr.dataset.rowId = 'none';
      tr.append(cell('td', rows.length ? 'No differences: every run has the same parameters, metrics and tags.' : 'These runs have no parameters, metrics or tags yet.', { colSpan: String(this.runs.length + 1) }));
      tr.className = 'll-muted';
    }
    this.table.replaceChildren(thead, tbody);
    this.placeCursor(hadFocus);
  }

  private rowOf(row: CompareRow): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.dataset.rowId = row.id;
    if (row.differ) tr.classList.add('ll-diff-row');
    tr.append(cell('th', row.key, { scope: 'row', className: 'll-compare-key' }));
    for (const c of row.cells) {
      const td = cell('td', c.missing ? '—' : c.text);
      if (c.numeric) td.classList.add('ll-num');
      if (row.differ) td.classList.add('ll-diff');
      if (c.missing) {
        td.classList.add('ll-muted', 'll-missing');
        td.title = 'not set';
      } else td.title = c.title ?? c.text;
      tr.append(td);
    }
    return tr;
  }

  /** Every cell focusable by script, one of them by Tab: the one the user was on when possible. */
  private placeCursor(focus: boolean): void {
    const [rowId, col] = this.cursor;
    const target = this.cellAt([...this.table.rows].find((r) => r.dataset.rowId === rowId) ?? this.table.rows[0], col);
    for (const c of this.table.querySelectorAll<HTMLElement>('th, td')) c.tabIndex = c === target ? 0 : -1;
    if (focus) target?.focus();
  }

  private cellAt(row: HTMLTableRowElement | undefined, col: number): HTMLTableCellElement | undefined {
    if (!row) return undefined;
    return row.cells[Math.min(col, row.cells.length - 1)];
  }

  private remember(el: HTMLElement): void {
    const c = el.closest('th, td');
    const row = c?.parentElement as HTMLTableRowElement | null;
    if (!c || !row?.dataset.rowId) return;
    this.cursor = [row.dataset.rowId, (c as HTMLTableCellElement).cellIndex];
    for (const other of this.table.querySelectorAll<HTMLElement>('[tabindex="0"]')) if (other !== c) other.tabIndex = -1;
    (c as HTMLElement).tabIndex = 0;
  }

  private onKey(e: KeyboardEvent): void {
    const c = (e.target as HTMLElement).closest('th, td') as HTMLTableCellElement | null;
    const row = c?.parentElement as HTMLTableRowElement | null;
    if (!c || !row) return;
    const rows = [...this.table.rows];
    const r = rows.indexOf(row);
    // a section title spans the row: moving through it keeps the column of the cell left
    const col = this.cursor[0] === row.dataset.rowId ? this.cursor[1] : c.cellIndex;
    let next: HTMLTableCellElement | undefined;
    switch (e.key) {
      case 'ArrowDown':
        next = this.cellAt(rows[r + 1], col);
        break;
      case 'ArrowUp':
        next = this.cellAt(rows[r - 1], col);
        break;
      case 'ArrowRight':
        next = row.cells[c.cellIndex + 1];
        break;
      case 'ArrowLeft':
        next = row.cells[c.cellIndex - 1];
        break;
      case 'Home':
        next = row.cells[0];
        break;
      case 'End':
        next = row.cells[row.cells.length - 1];
        break;
      case 'Enter': {
        const a = c.querySelector('a');
        if (a) {
          e.preventDefault();
          a.click();
        }
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    if (!next) return;
    const keepCol = (e.key === 'ArrowDown' || e.key === 'ArrowUp') && next.colSpan > 1;
    next.focus();
    if (keepCol) this.cursor = [this.cursor[0], col];
  }
}

function cell(tag: 'th' | 'td', text: string, attrs: { scope?: string; colSpan?: string; className?: string } = {}): HTMLTableCellElement {
  const el = document.createElement(tag);
  el.textContent = text;
  if (attrs.scope) el.setAttribute('scope', attrs.scope);
  if (attrs.colSpan) el.colSpan = Number(attrs.colSpan);
  if (attrs.className) el.className = attrs.className;
  return el;
}
