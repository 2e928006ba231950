/**
 * ExperimentList — the experiment list (sidebar): names, run counts, selected one highlighted, live.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';

/** the experiment list (sidebar): names, run counts, selected one highlighted, live. */
export class ExperimentList extends Widget implements RoutedView {
  constructor(
    private readonly ctx: ViewerContext,
    route: Route,
  ) {
    super();
    this.addClass('ll-experiment-list');
    this.setRoute(route);
  }

  setRoute(route: Route): boolean {
    this.node.textContent = `ExperimentList: ${JSON.stringify(route)} (${this.ctx.query.url})`;
    return true;
  }
}
