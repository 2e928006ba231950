import { Panel } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route } from './routes.js';
/** The run page. */
export declare class RunView extends Panel implements RoutedView {
    private readonly ctx;
    private route;
    private run;
    private readonly header;
    private readonly tabBar;
    private readonly body;
    private content;
    private contentTab;
    constructor(ctx: ViewerContext, route: Route);
    setRoute(route: Route): boolean;
    private load;
    private renderHeader;
    private showTab;
    /** Info, params, tags, dataset inputs, model versions. (To be filled in.) */
    private overview;
}
