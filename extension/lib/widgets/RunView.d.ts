/**
 * RunView — one run: info, params, tags, dataset inputs, charts, artifacts, model versions.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';
/** one run: info, params, tags, dataset inputs, charts, artifacts, model versions. */
export declare class RunView extends Widget implements RoutedView {
    private readonly ctx;
    constructor(ctx: ViewerContext, route: Route);
    setRoute(route: Route): boolean;
}
