/**
 * ModelsView — the model registry: registered models, versions, aliases and stages.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';

/** the model registry: registered models, versions, aliases and stages. */
export class ModelsView extends Widget implements RoutedView {
  constructor(
    private readonly ctx: ViewerContext,
    route: Route,
  ) {
    super();
    this.addClass('ll-models-view');
    this.setRoute(route);
  }

  setRoute(route: Route): boolean {
    this.node.textContent = `ModelsView: ${JSON.stringify(route)} (${this.ctx.query.url})`;
    return true;
  }
}
