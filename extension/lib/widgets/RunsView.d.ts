/**
 * RunsView — an experiment's runs table: search box (MLflow filter grammar), sortable columns, paging, nested runs as a tree, live rows.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';
/** an experiment's runs table: search box (MLflow filter grammar), sortable columns, paging, nested runs as a tree, live rows. */
export declare class RunsView extends Widget implements RoutedView {
    private readonly ctx;
    constructor(ctx: ViewerContext, route: Route);
    setRoute(route: Route): boolean;
}
