/**
 * CompareView — 2–N runs side by side: overlaid charts, params and metrics with differences highlighted, parallel coordinates.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';

/** 2–N runs side by side: overlaid charts, params and metrics with differences highlighted, parallel coordinates. */
export class CompareView extends Widget implements RoutedView {
  constructor(
    private readonly ctx: ViewerContext,
    route: Route,
  ) {
    super();
    this.addClass('ll-compare-view');
    this.setRoute(route);
  }

  setRoute(route: Route): boolean {
    this.node.textContent = `CompareView: ${JSON.stringify(route)} (${this.ctx.query.url})`;
    return true;
  }
}
