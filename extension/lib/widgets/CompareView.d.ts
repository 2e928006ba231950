/**
 * CompareView — 2–N runs side by side: overlaid charts, params and metrics with differences highlighted, parallel coordinates.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';
/** 2–N runs side by side: overlaid charts, params and metrics with differences highlighted, parallel coordinates. */
export declare class CompareView extends Widget implements RoutedView {
    private readonly ctx;
    constructor(ctx: ViewerContext, route: Route);
    setRoute(route: Route): boolean;
}
