/**
 * RunsView — an experiment's runs: a search box (MLflow filter grammar), a table sortable by
 * any column the server can order by, pages of 100 read with the server's page tokens, nested
 * runs as a tree, chosen param and metric columns, and rows that appear and change live.
 * Filter, order and columns live in the route, so a bookmark shows the same table.
 * The home route (no experiment) goes to the experiment with the newest run, or says how to
 * log a first run when there is none.
 */
import { RequestError } from '@lablog/client';
import type { FilterKey } from '@lablog/schema';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import { formatRoute, type Route } from './routes.js';
import { ColumnChooser } from './runsTable/ColumnChooser.js';
import { DEFAULT_ORDER, FIXED_COLUMNS, dataColumn, formatOrder, parseOrder, type Column } from './runsTable/columns.js';
import { FilterBox, FilterRefused } from './runsTable/FilterBox.js';
import { ExperimentHeader } from './runsTable/ExperimentHeader.js';
import { ParallelPanel } from './runsTable/ParallelPanel.js';
import { SelectionActions } from './runsTable/SelectionActions.js';
import { gettingStarted } from './runsTable/gettingStarted.js';
import { LatestExperimentWait } from './runsTable/latestExperiment.js';
import { LiveRuns } from './runsTable/LiveRuns.js';
import { missingKeysNote } from './runsTable/missingKeys.js';
import { PAGE_SIZE, Pager } from './runsTable/Pager.js';
import { PagerTotal } from './runsTable/PagerTotal.js';
import { RunsTable } from './runsTable/RunsTable.js';
import { LiveTable } from './runsTable/LiveTable.js';
import { CompareButton, parallelToggle, shownSelect, viewTypeOf } from './runsTable/toolbarControls.js';
import { el } from './previews/dom.js';
import { RunsPage } from './runsTable/RunsPage.js';
import { FilterChecks, readRunsPage } from './runsTable/readRunsPage.js';
import { arrangeTree } from './runsTable/runTree.js';

type RunsRoute = Extract<Route, { view: 'runs' }>;

/** An experiment's runs table (or, for the home route, the way to the latest one). */
export class RunsView extends Widget implements RoutedView {
  private route: RunsRoute = { view: 'runs' };
  private mode: 'home' | 'experiment' | null = null;
  private readonly header: ExperimentHeader;
  private readonly toolbar = el('div', 'll-runs-toolbar');
  private readonly errorLine = el('div', 'll-error ll-runs-error');
  private readonly message = el('div', 'll-runs-message');
  private readonly scroller = el('div', 'll-runs-table-wrap');
  // a new filter, order or list of runs starts from the first page
  private readonly filterBox = new FilterBox(
    (filter) => this.go({ ...this.route, filter: filter || undefined, page: undefined }),
    () => this.page?.filterKeys() ?? [],
  );
  private readonly chooser = new ColumnChooser((columns) => this.go({ ...this.route, columns }));
  // the comparison remembers this table as it is, for its "← Runs"
  private readonly compare = new CompareButton(() => this.table.selected.size >= 2 && this.ctx.nav.go({ view: 'compare', runIds: [...this.table.selected], back: this.route }));
  private readonly pager = new Pager(
    () => this.pageMoved(),
    (size) => this.go({ ...this.route, size: size === PAGE_SIZE ? undefined : size, page: undefined }),
  );
  /** The pager's total, counted after each page is drawn when the runs searched changed. */
  private readonly total: PagerTotal;
  private readonly selectionActions: SelectionActions;
  private readonly parallelToggle = parallelToggle(() => this.go({ ...this.route, parallel: this.route.parallel ? undefined : true }));
  private readonly parallel: ParallelPanel;
  private readonly shown = shownSelect((show) => {
    this.table.selected.clear();
    this.go({ ...this.route, show, page: undefined });
  });
  private readonly table: RunsTable;
  private page: RunsPage | null = null;
  private readonly collapsed = new Set<string>();
  private live: LiveRuns | null = null;
  private loading = false;
  private loadSeq = 0;
  /** What the last read found (route and rows), to leave the table alone when a read finds the same. */
  private pageSignature = '';
  /** Live changes applied to the table. */
  private readonly liveTable = new LiveTable({
    page: () => (this.mode === 'experiment' ? this.page : null),
    loading: () => this.loading,
    // a new run goes straight to the top on the first page, newest first, without filter
    insertsLive: () => this.pager.first && !this.route.filter && !this.route.show && (this.route.orderBy ?? DEFAULT_ORDER) === DEFAULT_ORDER,
    experimentChanged: (e) => this.header.render(e.experiment_id, e),
    columnsGrew: () => !this.route.columns && (this.renderTable(), true),
    drawRows: () => this.renderRows(),
    drawRuns: (ids) => {
      for (const id of ids) {
        const run = this.page?.byRunId(id);
        if (run) this.table.updateRun(run);
      }
      this.setTicker(this.table.anyRunning);
    },
    recount: (shown) => this.pager.recount(shown),
    keysGrew: () => this.page && this.chooser.render(this.chosenColumns, this.page.params, this.page.metrics, this.page.tagKeys(false)),
    read: () => void this.load(),
  });
  /** The agent's answers about filters typed here. */
  private readonly checks: FilterChecks;
  /** The home route's wait for a first run. */
  private home: LatestExperimentWait | null = null;

  constructor(
    private readonly ctx: ViewerContext,
    route: Route,
  ) {
    super();
    this.addClass('ll-runs-view');
    this.header = new ExperimentHeader(ctx);
    this.checks = new FilterChecks(ctx.query);
    this.total = new PagerTotal(ctx.query, this.pager);
    // a brush is a filter: its clauses join the table's filter (and so the URL); the panel goes
    // above the table (the view's own nodes are plain DOM; the panel's goes in the same way)
    this.parallel = new ParallelPanel(
      ctx.query,
      this.parallelToggle,
      (node) => this.node.insertBefore(node, this.scroller),
      (clauses) => this.go({ ...this.route, filter: [this.route.filter, ...clauses].filter(Boolean).join(' and '), page: undefined }),
    );
    this.table = new RunsTable(ctx, {
      sort: (col) => this.sortBy(col),
      selectionChanged: () => this.showCompare(),
      toggle: (id) => {
        if (!this.collapsed.delete(id)) this.collapsed.add(id);
        this.renderRows();
      },
    });
    this.selectionActions = new SelectionActions(ctx.lablog.edits, () => {
      this.table.selected.clear();
      void this.load();
    });
    this.errorLine.setAttribute('role', 'alert');
    const actions = el('div', 'll-runs-actions');
    actions.append(this.shown, this.chooser.node, this.parallelToggle, this.selectionActions.node, this.compare.node, this.pager.node);
    this.toolbar.append(this.filterBox.node, actions);
    this.scroller.append(this.table.node);
    this.node.append(this.header.node, this.toolbar, this.errorLine, this.message, this.scroller);
    this.setRoute(route);
  }

  setRoute(route: Route): boolean {
    if (route.view !== 'runs') return false;
    const prev = this.route;
    this.route = route;
    // the echo of a route this view set itself (Prev / Next put the page in the URL): drawn already
    if (this.mode === 'experiment' && formatRoute(route) === formatRoute(prev)) return true;
    if (route.experimentId === undefined) {
      if (this.mode !== 'home') this.showHome();
      return true;
    }
    this.filterBox.value = route.filter ?? '';
    this.shown.value = route.show ?? '';
    this.showParallel(route.parallel === true && route.experimentId !== undefined, route.parallel !== prev.parallel);
    if (this.mode !== 'experiment' || route.experimentId !== prev.experimentId || route.show !== prev.show || route.size !== prev.size) this.openExperiment(route.experimentId);
    else if (route.filter !== prev.filter || route.orderBy !== prev.orderBy) {
      // another order of the same runs: the pager's total stands (a count is a pass over them all)
      this.openPage(route.filter === prev.filter);
      void this.load();
    } else if (route.page !== prev.page && (route.page ?? 0) !== this.pager.pageIndex) {
      this.openPage();
      void this.load();
    } else this.renderTable();
    return true;
  }

  /** Shows or hides the parallel-coordinates panel; `read`: draw it now (it was just opened). */
  private showParallel(on: boolean, read: boolean): void {
    // just opened: it reads the runs the table's last search found, without reading the page again
    const id = this.route.experimentId;
    this.parallel.show(on, read && id !== undefined && this.mode === 'experiment' ? { experimentId: id, viewType: viewTypeOf(this.route.show) } : null);
  }

  /** The page of the route (a link to page 3), or the first; `keepTotal`: the runs searched are the same. */
  private openPage(keepTotal = false): void {
    this.pager.setSize(this.route.size ?? PAGE_SIZE);
    if (this.route.page) this.pager.openAt(this.route.page);
    else this.pager.reset(keepTotal);
  }

  /** Prev / Next: the page goes into the URL (so a reload or a shared link shows it), then is read. */
  private pageMoved(): void {
    this.route = { ...this.route, page: this.pager.pageIndex > 0 ? this.pager.pageIndex : undefined };
    this.ctx.nav.go(this.route, { replace: true });
    void this.load();
  }

  /** Moves to `route`, replacing the history entry (a filter or sort is not a new page); the same route reads again. */
  private go(route: RunsRoute): void {
    if (formatRoute(route) === formatRoute(this.route)) {
      void this.load();
      return;
    }
    this.ctx.nav.go(route, { replace: true });
  }

  private sortBy(col: Column): void {
    if (!col.sortField) return;
    const current = parseOrder(this.route.orderBy);
    // first click: newest first for the start time, ascending for everything else
    const dir = current.field === col.sortField ? (current.dir === 'ASC' ? 'DESC' : 'ASC') : col.id === 'start' ? 'DESC' : 'ASC';
    this.go({ ...this.route, orderBy: formatOrder({ field: col.sortField, dir }), page: undefined });
  }

  // ---- home --------------------------------------------------------------------------------

  private showHome(): void {
    this.stopExperiment();
    this.experimentError = null;
    this.mode = 'home';
    this.node.dataset.mode = 'home';
    this.header.node.hidden = this.toolbar.hidden = this.scroller.hidden = true;
    this.showError(null);
    this.message.replaceChildren();
    this.home = new LatestExperimentWait(
      this.ctx.query,
      (experimentId) => this.ctx.nav.go({ view: 'runs', experimentId }, { replace: true }),
      (failure) => {
        this.showError(failure);
        if (failure === null && !this.message.querySelector('.ll-getting-started')) this.message.replaceChildren(gettingStarted(this.ctx.query.url, 'No runs yet'));
      },
    );
  }



  // ---- one experiment ----------------------------------------------------------------------

  private openExperiment(id: string): void {
    this.stopExperiment();
    this.mode = 'experiment';
    delete this.node.dataset.mode;
    this.header.node.hidden = this.toolbar.hidden = false;
    this.message.replaceChildren();
    this.page = new RunsPage(id, this.route.show !== undefined, this.pager.size);
    this.pageSignature = '';
    this.collapsed.clear();
    this.table.selected.clear();
    this.openPage();
    this.header.render(id, null);
    this.experimentError = null;
    void this.ctx.query.getExperiment(id).then(
      (exp) => this.route.experimentId === id && this.header.render(id, exp),
      (err: Error) => {
        if (this.route.experimentId !== id || this.isDisposed) return;
        this.experimentError = err.message;
        this.showError(err.message);
        // no such experiment: nothing to filter or page through
        if (err instanceof RequestError && err.code === 'RESOURCE_DOES_NOT_EXIST') this.toolbar.hidden = this.scroller.hidden = true;
        this.message.replaceChildren();
      },
    );
    this.live = new LiveRuns(this.ctx, id, (batch) => this.liveTable.apply(batch));
    void this.load();
  }

  private stopExperiment(): void {
    this.live?.dispose();
    this.live = null;
    this.liveTable.reset();
    this.home?.dispose();
    this.home = null;
    this.setTicker(false);
  }

  /** Why the experiment could not be read (it does not exist), shown above all else. */
  private experimentError: string | null = null;

  private showError(message: string | null): void {
    message = this.experimentError ?? message;
    this.errorLine.hidden = message === null;
    this.errorLine.textContent = message ?? '';
  }

  /** Reads the current page. */
  private async load(): Promise<void> {
    const id = this.route.experimentId;
    if (id === undefined) return;
    this.liveTable.reading();
    const seq = ++this.loadSeq;
    let unchanged = false;
    this.loading = true;
    this.node.dataset.loading = 'true';
    try {
      const { page, filter, note, keys } = await readRunsPage(this.ctx.query, this.checks, {
        experimentIds: [id],
        filter: this.route.filter,
        orderBy: [this.route.orderBy ?? DEFAULT_ORDER],
        maxResults: this.pager.size,
        pageToken: this.pager.token,
        viewType: viewTypeOf(this.route.show),
      });
      if (seq !== this.loadSeq || this.isDisposed) return;
      this.filterBox.setError(null);
      this.filterBox.setNote(note);
      // nothing matched: say so if it is because no run has a key the filter names (a typo)
      if (page.items.length === 0 && keys.length) void this.noteMissingKeys(id, keys, seq);
      this.showError(null);
      // a read that finds what the last one found (the read after the live watch is in place)
      // leaves the rows as they are: no flicker, no lost focus, no detached rows under a reader
      const signature = JSON.stringify([this.route, page.items, page.nextPageToken ?? null]);
      unchanged = signature === this.pageSignature;
      this.pageSignature = signature;
      if (!unchanged) {
        this.page?.set(page.items);
        this.pager.show(page.items.length, page.nextPageToken !== undefined);
        void this.total.count({ experimentId: id, filter, viewType: viewTypeOf(this.route.show) }, () => seq === this.loadSeq && !this.isDisposed);
        this.parallel.searched(filter, { experimentId: id, viewType: viewTypeOf(this.route.show) });
      }
    } catch (err) {
      this.pageSignature = '';
      if (seq !== this.loadSeq || this.isDisposed) return;
      // a refused filter or order is the user's to fix: say why under the box, and keep the
      // last good result on screen meanwhile
      if (err instanceof FilterRefused) this.filterBox.setError(err.message, err.hint);
      else if (err instanceof RequestError && err.code === 'INVALID_PARAMETER_VALUE') this.filterBox.setError(err.message);
      else {
        this.showError((err as Error).message);
        this.page?.set([]);
        this.pager.show(0);
      }
    }
    this.loading = false;
    delete this.node.dataset.loading;
    if (!unchanged) this.renderTable();
    this.liveTable.read();
  }

  private async noteMissingKeys(experimentId: string, keys: FilterKey[], seq: number): Promise<void> {
    const known = [...(this.page?.params ?? [])].map((k) => `params.${k}`).concat([...(this.page?.metrics ?? [])].map((k) => `metrics.${k}`));
    const note = await missingKeysNote(this.ctx.query, experimentId, keys, viewTypeOf(this.route.show), known);
    if (note !== null && seq === this.loadSeq && !this.isDisposed) this.filterBox.setNote(note);
  }

  private get chosenColumns(): string[] {
    return this.route.columns ?? this.page?.defaultColumns ?? [];
  }

  private renderTable(): void {
    if (this.mode !== 'experiment') return;
    const chosen = this.chosenColumns;
    const columns = [...FIXED_COLUMNS, ...chosen.map(dataColumn).filter((c): c is Column => c !== null)];
    this.table.renderHead(columns, this.route.orderBy);
    this.chooser.render(chosen, this.page?.params ?? [], this.page?.metrics ?? [], (this.page?.tagKeys(false) ?? []));
    this.renderRows();
  }

  private renderRows(): void {
    const runs = this.page?.runs ?? [];
    this.table.renderBody(arrangeTree(runs, this.collapsed));
    const empty = runs.length === 0;
    this.scroller.hidden = empty;
    this.message.replaceChildren();
    if (empty && !this.loading && this.errorLine.hidden && !this.toolbar.hidden && !this.filterBox.input.classList.contains('ll-invalid')) {
      if (this.route.filter || !this.pager.first) {
        const p = el('div', 'll-empty');
        p.textContent = this.route.filter ? 'No runs match this filter.' : 'No more runs.';
        this.message.append(p);
      } else {
        this.message.append(gettingStarted(this.ctx.query.url, 'No runs in this experiment yet', this.header.name ?? undefined));
      }
    }
    this.showCompare();
    this.setTicker(this.table.anyRunning);
  }

  private showCompare(): void {
    const stages: { active: string[]; deleted: string[] } = { active: [], deleted: [] };
    for (const id of this.table.selected) {
      const run = this.page?.byRunId(id);
      if (run) stages[run.info.lifecycle_stage === 'deleted' ? 'deleted' : 'active'].push(id);
    }
    this.selectionActions.show(stages);
    this.compare.show(this.table.selected.size);
  }

  /** Ticks the durations of running runs while the view is on screen. */
  private setTicker(on: boolean): void {
    this.table.ticking(on && this.isAttached);
  }

  // ---- live --------------------------------------------------------------------------------

  // ---- lifecycle ---------------------------------------------------------------------------

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.setTicker(this.table.anyRunning);
  }

  protected override onBeforeDetach(msg: Message): void {
    this.setTicker(false);
    super.onBeforeDetach(msg);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.stopExperiment();
    this.chooser.dispose();
    this.parallel.dispose();
    this.mode = null;
    super.dispose();
  }
}
