/**
 * What every widget is given: the lablog client (the only way to the agent: REST reads through
 * `lablog.query`, live changes through `lablog.watch`) and a navigator to move between views.
 */
import type { Lablog, Queries } from '@lablog/client';
import type { Route } from './routes.js';

/** Moves between views. The page keeps the route in the URL; the JupyterLab panel in memory. */
export interface Navigator {
  /** The current route. */
  readonly route: Route;
  /**
   * A link target for `route` (an `href`): a URL hash (`#/runs/<id>`). The page follows it;
   * the JupyterLab panel intercepts clicks on such links and shows the route in place.
   */
  href(route: Route): string;
  /** Shows `route`; `replace` updates the current history entry instead of adding one (a typed filter). */
  go(route: Route, opts?: { replace?: boolean }): void;
}

/** The context of a viewer widget. */
export interface ViewerContext {
  readonly lablog: Lablog;
  readonly query: Queries;
  readonly nav: Navigator;
}

/** A view the shell can move to another route of the same kind without rebuilding it. */
export interface RoutedView {
  /** Shows `route` in place; false when this view cannot (the shell then makes a new one). */
  setRoute(route: Route): boolean;
}
