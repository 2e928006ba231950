/**
 * RunView — one run: info, params, tags, dataset inputs, charts, artifacts, model versions.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';

/** one run: info, params, tags, dataset inputs, charts, artifacts, model versions. */
export class RunView extends Widget implements RoutedView {
  constructor(
    private readonly ctx: ViewerContext,
    route: Route,
  ) {
    super();
    this.addClass('ll-run-view');
    this.setRoute(route);
  }

  setRoute(route: Route): boolean {
    this.node.textContent = `RunView: ${JSON.stringify(route)} (${this.ctx.query.url})`;
    return true;
  }
}
