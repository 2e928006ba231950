/**
 * ModelsView — the model registry: registered models, versions, aliases and stages.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';
/** the model registry: registered models, versions, aliases and stages. */
export declare class ModelsView extends Widget implements RoutedView {
    private readonly ctx;
    constructor(ctx: ViewerContext, route: Route);
    setRoute(route: Route): boolean;
}
