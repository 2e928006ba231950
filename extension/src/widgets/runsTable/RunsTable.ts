/**
 * The runs table itself: a header of sortable columns and one row per run, nested runs
 * indented under their parent with an expand/collapse toggle, a checkbox per row. Keyboard:
 * up/down (Home/End) move between rows, Space selects, Enter opens, left/right collapse and
 * expand. Rows are drawn once per page and then updated cell by cell as runs change.
 */
import type { WireRun } from '@lablog/schema';
import type { ViewerContext } from '../context.js';
import { runLabel } from '../format.js';
import { parseOrder, type Column, type SortState } from './columns.js';
import type { TreeRow } from './runTree.js';

/** What the table asks of its owner. */
export interface RunsTableHandlers {
  /** A sortable header was clicked. */
  sort(column: Column): void;
  /** The selection changed (checkbox, Space, select-all). */
  selectionChanged(): void;
  /** A row's children were shown or hidden. */
  toggle(runId: string): void;
}

interface RowView {
  tr: HTMLTableRowElement;
  run: WireRun;
  cells: HTMLTableCellElement[];
  check: HTMLInputElement;
  link: HTMLAnchorElement;
  /** The columns the row has cells for (`RunsTable.layout` when it was made). */
  layout: string;
}

/** A table of runs; `node` is its `<table>`. */
export class RunsTable {
  readonly node = document.createElement('table');
  /** Ids of the selected runs (kept across pages and reloads). */
  readonly selected = new Set<string>();
  private readonly thead = document.createElement('thead');
  private readonly tbody = document.createElement('tbody');
  private readonly selectAll = document.createElement('input');
  private columns: readonly Column[] = [];
  /** The ids of `columns`: rows made for the same ids are reused for other runs. */
  private layout = '';
  private rows = new Map<string, RowView>();
  private renders = 0;

  constructor(
    private readonly ctx: ViewerContext,
    private readonly on: RunsTableHandlers,
  ) {
    this.node.className = 'll-table ll-runs-table';
    this.node.append(this.thead, this.tbody);
    this.selectAll.type = 'checkbox';
    this.selectAll.setAttribute('aria-label', 'Select all runs on this page');
    this.selectAll.addEventListener('change', () => {
      for (const [id, row] of this.rows) {
        if (this.selectAll.checked) this.selected.add(id);
        else this.selected.delete(id);
        this.showSelected(row);
      }
      this.on.selectionChanged();
    });
    this.tbody.addEventListener('keydown', (e) => this.onKey(e));
    this.tbody.addEventListener('change', (e) => {
      const input = e.target as HTMLInputElement;
      const id = input.closest('tr')?.dataset.runId;
      if (!id || !input.classList.contains('ll-row-check')) return;
      this.setSelected(id, input.checked);
    });
    this.tbody.addEventListener('click', (e) => {
      const t = e.target as HTMLElement;
      const toggle = t.closest('.ll-tree-toggle');
      const id = t.closest('tr')?.dataset.runId;
      if (toggle && id) return this.on.toggle(id);
      const a = t.closest('a.ll-run-link');
      if (a && id && !(e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0)) {
        e.preventDefault();
        this.open(id);
      }
    });
  }

  /** The runs shown, in table order. */
  get shownRuns(): WireRun[] {
    return [...this.rows.values()].map((r) => r.run);
  }

  /** Draws the header for `columns`, sorted by `orderBy`. */
  renderHead(columns: readonly Column[], orderBy: string | undefined): void {
    this.columns = columns;
    this.layout = columns.map((c) => c.id).join('\n');
    const sort = parseOrder(orderBy);
    const tr = document.createElement('tr');
    const sel = document.createElement('th');
    sel.className = 'll-col-select';
    sel.append(this.selectAll);
    tr.append(sel);
    for (const col of columns) tr.append(this.headCell(col, sort));
    this.thead.replaceChildren(tr);
  }

  private headCell(col: Column, sort: SortState): HTMLTableCellElement {
    const th = document.createElement('th');
    th.scope = 'col';
    th.dataset.col = col.id;
    if (col.numeric) th.classList.add('ll-num');
    const label = document.createElement('span');
    label.textContent = col.label;
    const parts: Node[] = [label];
    if (col.kind !== 'attribute') {
      const kind = document.createElement('span');
      kind.className = 'll-col-kind';
      kind.textContent = col.kind;
      parts.unshift(kind);
      th.title = `${col.kind} ${col.label}`;
    }
    if (!col.sortField) {
      th.append(...parts);
      return th;
    }
    const active = sort.field === col.sortField;
    th.setAttribute('aria-sort', active ? (sort.dir === 'ASC' ? 'ascending' : 'descending') : 'none');
    const b = document.createElement('button');
    b.className = 'll-sort';
    b.type = 'button';
    const arrow = document.createElement('span');
    arrow.className = 'll-sort-arrow';
    arrow.setAttribute('aria-hidden', 'true');
    arrow.textContent = active ? (sort.dir === 'ASC' ? '▲' : '▼') : '';
    b.append(...parts, arrow);
    b.addEventListener('click', () => this.on.sort(col));
    th.append(b);
    return th;
  }

  /**
   * Draws the body: one row per tree row. Rows already drawn for the same columns are reused in
   * place for the new runs (a new page, filter or order changes the text of the cells, not the
   * table's structure); only rows beyond them are made or removed. Keeps focus on the same run
   * when it is still shown.
   */
  renderBody(rows: readonly TreeRow[], now = Date.now()): void {
    const focused = (document.activeElement as HTMLElement | null)?.closest?.('tr')?.dataset.runId;
    const focusInBody = focused !== undefined && this.tbody.contains(document.activeElement);
    const old = [...this.rows.values()];
    this.rows = new Map();
    const frag = document.createDocumentFragment();
    rows.forEach((r, i) => {
      const reuse = old[i];
      const view = reuse?.layout === this.layout ? this.reuseRow(reuse, r, now) : this.makeRow(r, now);
      view.tr.tabIndex = i === 0 ? 0 : -1;
      this.rows.set(r.run.info.run_id, view);
      if (view !== reuse) {
        reuse?.tr.remove();
        frag.append(view.tr);
      }
    });
    for (let i = rows.length; i < old.length; i++) old[i]!.tr.remove();
    // every row reused stays where it was, at the top; made ones follow them
    if (frag.childNodes.length) this.tbody.append(frag);
    this.syncSelectAll();
    this.node.dataset.renders = String(++this.renders);
    if (focusInBody && focused) this.focusRow(this.rows.get(focused)?.tr ?? null);
  }

  private makeRow(r: TreeRow, now: number): RowView {
    const tr = document.createElement('tr');
    const selTd = document.createElement('td');
    selTd.className = 'll-col-select';
    const check = document.createElement('input');
    check.type = 'checkbox';
    check.className = 'll-row-check';
    check.tabIndex = -1;
    selTd.append(check);
    tr.append(selTd);

    const link = document.createElement('a');
    link.className = 'll-run-link';
    link.tabIndex = -1;
    const cells: HTMLTableCellElement[] = [];
    for (const col of this.columns) {
      const td = document.createElement('td');
      td.dataset.col = col.id;
      if (col.numeric) td.classList.add('ll-num');
      if (col.id === 'name') {
        td.classList.add('ll-col-name');
        td.append(document.createElement('span'), link);
      }
      cells.push(td);
      tr.append(td);
    }
    return this.reuseRow({ tr, run: r.run, cells, check, link, layout: this.layout }, r, now);
  }

  /** Shows tree row `r` in a row made for the current columns. */
  private reuseRow(view: RowView, r: TreeRow, now: number): RowView {
    const run = r.run;
    const id = run.info.run_id;
    const { tr, link } = view;
    view.run = run;
    tr.dataset.runId = id;
    tr.classList.toggle('ll-child', r.depth > 0);
    tr.dataset.depth = String(r.depth);
    const href = this.ctx.nav.href({ view: 'run', runId: id });
    if (href !== null) link.href = href;
    const nameCell = link.parentElement as HTMLTableCellElement | null;
    if (nameCell) {
      nameCell.style.paddingLeft = `${8 + r.depth * 20}px`;
      nameCell.firstElementChild!.replaceWith(this.treeMark(r));
    }
    if (r.children > 0) tr.setAttribute('aria-expanded', String(r.expanded));
    else tr.removeAttribute('aria-expanded');
    this.fill(view, now);
    this.showSelected(view);
    return view;
  }

  /** Before a run's name: the toggle of its nested runs, or the tree's gutter. */
  private treeMark(r: TreeRow): HTMLElement {
    if (r.children > 0) {
      const t = document.createElement('button');
      t.type = 'button';
      t.className = 'll-tree-toggle';
      t.tabIndex = -1;
      t.setAttribute('aria-expanded', String(r.expanded));
      t.setAttribute('aria-label', `${r.expanded ? 'Hide' : 'Show'} ${r.children} nested run${r.children > 1 ? 's' : ''}`);
      t.textContent = r.expanded ? '▾' : '▸';
      return t;
    }
    const s = document.createElement('span');
    s.className = 'll-tree-gutter';
    s.setAttribute('aria-hidden', 'true');
    if (r.depth > 0) s.textContent = '└';
    return s;
  }

  private fill(view: RowView, now: number): void {
    view.link.textContent = runLabel(view.run);
    view.link.title = view.run.info.run_id;
    this.columns.forEach((col, i) => {
      if (col.id !== 'name') col.fill(view.cells[i]!, view.run, now);
    });
  }

  /** Redraws the cells of a run shown with its state after a live change. False when it is not shown. */
  updateRun(run: WireRun, now = Date.now()): boolean {
    const view = this.rows.get(run.info.run_id);
    if (!view) return false;
    view.run = run;
    this.fill(view, now);
    return true;
  }

  /** Redraws the duration of running runs. */
  tick(now = Date.now()): void {
    const i = this.columns.findIndex((c) => c.id === 'duration');
    if (i < 0) return;
    for (const v of this.rows.values()) if (v.run.info.status === 'RUNNING') this.columns[i]!.fill(v.cells[i]!, v.run, now);
  }

  /** Ticks the durations once a second while on (and any run shown is running), or stops. */
  ticking(on: boolean): void {
    if (on && this.anyRunning) this.ticker ??= setInterval(() => this.tick(), 1000);
    else if (this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  private ticker: ReturnType<typeof setInterval> | null = null;

  /** Whether any run shown is running. */
  get anyRunning(): boolean {
    for (const v of this.rows.values()) if (v.run.info.status === 'RUNNING') return true;
    return false;
  }

  private setSelected(id: string, on: boolean): void {
    if (on) this.selected.add(id);
    else this.selected.delete(id);
    const view = this.rows.get(id);
    if (view) this.showSelected(view);
    this.syncSelectAll();
    this.on.selectionChanged();
  }

  private showSelected(view: RowView): void {
    const on = this.selected.has(view.run.info.run_id);
    view.check.checked = on;
    view.check.setAttribute('aria-label', `Select ${runLabel(view.run)}`);
    view.tr.classList.toggle('ll-selected', on);
  }

  private syncSelectAll(): void {
    const ids = [...this.rows.keys()];
    const n = ids.filter((id) => this.selected.has(id)).length;
    this.selectAll.checked = n > 0 && n === ids.length;
    this.selectAll.indeterminate = n > 0 && n < ids.length;
  }

  private open(runId: string): void {
    this.ctx.nav.go({ view: 'run', runId });
  }

  private focusRow(tr: HTMLTableRowElement | null): void {
    if (!tr) return;
    for (const v of this.rows.values()) v.tr.tabIndex = -1;
    tr.tabIndex = 0;
    tr.focus();
  }

  private onKey(e: KeyboardEvent): void {
    const tr = (e.target as HTMLElement).closest('tr');
    const id = tr?.dataset.runId;
    if (!tr || !id) return;
    const onRow = e.target === tr;
    switch (e.key) {
      case 'ArrowDown':
        this.focusRow(tr.nextElementSibling as HTMLTableRowElement | null);
        break;
      case 'ArrowUp':
        this.focusRow(tr.previousElementSibling as HTMLTableRowElement | null);
        break;
      case 'Home':
        this.focusRow(this.tbody.firstElementChild as HTMLTableRowElement | null);
        break;
      case 'End':
        this.focusRow(this.tbody.lastElementChild as HTMLTableRowElement | null);
        break;
      case ' ':
        if (!onRow) return;
        this.setSelected(id, !this.selected.has(id));
        break;
      case 'Enter':
        if (!onRow) return;
        this.open(id);
        break;
      case 'ArrowRight':
      case 'ArrowLeft': {
        const expanded = tr.getAttribute('aria-expanded');
        if (expanded === null || (expanded === 'true') === (e.key === 'ArrowRight')) return;
        this.on.toggle(id);
        break;
      }
      default:
        return;
    }
    e.preventDefault();
  }
}
