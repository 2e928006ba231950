/**
 * CompareView — 2–N runs side by side: charts overlaid per metric, params and latest metrics
 * with differences highlighted, a parallel-coordinates view over chosen params and metrics.
 * (Placeholder while it is being built.)
 */
import { Panel } from '@lumino/widgets';
import { ChartGrid } from './ChartGrid.js';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';

/** Compares runs. */
export class CompareView extends Panel implements RoutedView {
  private readonly charts: ChartGrid;

  constructor(
    private readonly ctx: ViewerContext,
    route: Route,
  ) {
    super();
    this.addClass('ll-compare-view');
    this.charts = new ChartGrid(this.ctx, { runIds: route.view === 'compare' ? route.runIds : [] });
    this.addWidget(this.charts);
  }

  setRoute(route: Route): boolean {
    if (route.view !== 'compare') return false;
    this.charts.setRuns(route.runIds);
    return true;
  }
}
