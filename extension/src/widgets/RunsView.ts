/**
 * RunsView — an experiment's runs table: search box (MLflow filter grammar), sortable columns, paging, nested runs as a tree, live rows.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';

/** an experiment's runs table: search box (MLflow filter grammar), sortable columns, paging, nested runs as a tree, live rows. */
export class RunsView extends Widget implements RoutedView {
  constructor(
    private readonly ctx: ViewerContext,
    route: Route,
  ) {
    super();
    this.addClass('ll-runs-view');
    this.setRoute(route);
  }

  setRoute(route: Route): boolean {
    this.node.textContent = `RunsView: ${JSON.stringify(route)} (${this.ctx.query.url})`;
    return true;
  }
}
