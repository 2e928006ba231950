/**
 * CompareView — 2–N runs side by side (`#/compare?runs=a,b,c`): the runs in their series colours,
 * params and latest metrics with differences highlighted, a parallel-coordinates view over
 * chosen params and metrics, and one chart per metric with every run overlaid. Runs are watched
 * live, so the table follows runs that are still logging.
 */
import { Panel, Widget } from '@lumino/widgets';
import type { WireRun } from '@lablog/schema';
import { ChartGrid } from './ChartGrid.js';
import { NotebookDiff } from './notebookDiff/NotebookDiff.js';
import { CompareHeader } from './compare/CompareHeader.js';
import { CompareModel } from './compare/CompareModel.js';
import { DiffTable } from './compare/DiffTable.js';
import { ParallelCoordinates } from './compare/ParallelCoordinates.js';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';

/** Compares runs. */
export class CompareView extends Panel implements RoutedView {
  private readonly model: CompareModel;
  private readonly header: CompareHeader;
  private readonly empty = new Widget();
  private readonly table: DiffTable;
  private readonly parallel = new ParallelCoordinates();
  private readonly chartSection: Panel;
  private readonly sections: Panel[];
  private charts: ChartGrid | null = null;
  private readonly notebookSection: Panel;
  private notebookDiff: NotebookDiff | null = null;
  private diffRuns = '';
  private chartRuns = '';
  private runIds: string[] = [];
  private frame = 0;

  constructor(
    private readonly ctx: ViewerContext,
    route: Route,
  ) {
    super();
    this.addClass('ll-compare-view');
    this.model = new CompareModel(ctx);
    this.header = new CompareHeader(ctx.nav, (id) => this.ctx.nav.go({ ...this.route, runIds: this.runIds.filter((r) => r !== id) }));
    this.empty.addClass('ll-empty');
    this.empty.addClass('ll-compare-empty');
    // "Only differences" and the chart settings live in the URL: a reload or a shared link shows the same
    this.table = new DiffTable(ctx.nav, (diffOnly) => this.replaceRoute({ ...this.route, diffOnly: diffOnly || undefined }));
    this.chartSection = section('Charts', 'll-compare-charts');
    this.notebookSection = section('Notebooks (first two runs, cell by cell)', 'll-compare-notebooks');
    this.sections = [section('Parameters and metrics', 'll-compare-table-section', this.table), section('Parallel coordinates', 'll-compare-parallel', this.parallel), this.chartSection, this.notebookSection];
    this.addWidget(this.header);
    this.addWidget(this.empty);
    for (const s of this.sections) this.addWidget(s);
    this.model.changed.connect(this.scheduleRender, this);
    this.setRoute(route);
    this.render();
  }

  setRoute(route: Route): boolean {
    if (route.view !== 'compare') return false;
    this.route = route;
    this.table.onlyDifferences = route.diffOnly ?? false;
    this.header.back = route.back;
    if (route.runIds.join(',') !== this.runIds.join(',')) {
      this.runIds = route.runIds;
      void this.model.setRunIds(route.runIds);
    }
    return true;
  }

  private route: Extract<Route, { view: 'compare' }> = { view: 'compare', runIds: [] };

  private replaceRoute(route: Extract<Route, { view: 'compare' }>): void {
    this.route = route;
    this.ctx.nav.go(route, { replace: true });
  }

  /** Renders once per frame however many live events arrive. */
  private scheduleRender(): void {
    if (this.frame || this.isDisposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    if (this.isDisposed) return;
    this.header.render(this.model);
    const compared = this.model.compared;
    const ready = compared.length >= 2;
    this.empty.setHidden(ready || (this.model.loading && this.model.slots.length >= 2));
    for (const s of this.sections) s.setHidden(!ready);
    if (!ready) {
      this.renderEmpty();
      return;
    }
    this.table.setRuns(compared);
    this.parallel.setRuns(compared);
    this.renderNotebookDiff(compared[0]!.run, compared[1]!.run);
    const ids = compared.map((c) => c.id);
    if (ids.join(',') === this.chartRuns) return;
    this.chartRuns = ids.join(',');
    // the runs are read already: the charts do not read them again
    const runs = compared.map((c) => c.run);
    if (this.charts) this.charts.setRuns(ids, runs);
    else {
      this.charts = new ChartGrid(this.ctx, {
        runIds: ids,
        runs,
        ...(this.route.chart ? { view: this.route.chart } : {}),
        viewChanged: (chart) => this.replaceRoute({ ...this.route, chart }),
      });
      this.chartSection.addWidget(this.charts);
    }
  }

  /** The notebooks of the first two runs, diffed once per pair (snapshots do not change after a run ends). */
  private renderNotebookDiff(a: WireRun, b: WireRun): void {
    const pair = `${a.info.run_id},${b.info.run_id}`;
    if (pair === this.diffRuns) return;
    this.diffRuns = pair;
    this.notebookDiff?.dispose();
    this.notebookDiff = new NotebookDiff(this.ctx, [a, b]);
    this.notebookSection.addWidget(this.notebookDiff);
  }

  private renderEmpty(): void {
    const h = document.createElement('h2');
    const p = document.createElement('p');
    const runsLink = document.createElement('a');
    runsLink.href = this.ctx.nav.href({ view: 'runs' });
    runsLink.textContent = 'the runs table';
    if (this.model.slots.length < 2) {
      h.textContent = 'Pick at least two runs to compare';
      p.append('Select two or more runs in ', runsLink, ', then press Compare. ');
      p.append('The comparison is a link (#/compare?runs=…) you can bookmark and share.');
    } else {
      h.textContent = 'Fewer than two of these runs could be read';
      p.append('Remove the ones shown in red above, or pick other runs in ', runsLink, '.');
    }
    this.empty.node.replaceChildren(h, p);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    cancelAnimationFrame(this.frame);
    this.model.dispose();
    super.dispose();
  }
}

/** A titled part of the view. */
function section(title: string, className: string, content?: Widget): Panel {
  const p = new Panel();
  p.addClass('ll-compare-section');
  p.addClass(className);
  const h = new Widget({ node: document.createElement('h2') });
  h.node.textContent = title;
  p.addWidget(h);
  if (content) p.addWidget(content);
  return p;
}
