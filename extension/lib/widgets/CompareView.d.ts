/**
 * CompareView — 2–N runs side by side: charts overlaid per metric, params and latest metrics
 * with differences highlighted, a parallel-coordinates view over chosen params and metrics.
 * (Placeholder while it is being built.)
 */
import { Panel } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';
/** Compares runs. */
export declare class CompareView extends Panel implements RoutedView {
    private readonly ctx;
    private readonly charts;
    constructor(ctx: ViewerContext, route: Route);
    setRoute(route: Route): boolean;
}
