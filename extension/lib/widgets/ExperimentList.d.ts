/**
 * ExperimentList — the experiment list (sidebar): names, run counts, selected one highlighted, live.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';
/** the experiment list (sidebar): names, run counts, selected one highlighted, live. */
export declare class ExperimentList extends Widget implements RoutedView {
    private readonly ctx;
    constructor(ctx: ViewerContext, route: Route);
    setRoute(route: Route): boolean;
}
