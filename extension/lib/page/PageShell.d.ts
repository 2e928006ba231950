/**
 * The standalone page's frame: a top bar (lablog, Experiments, Models, the connection to the
 * agent), the experiment list beside the runs table, and one main view chosen by the route in
 * the URL hash — so every view is a link that can be bookmarked and shared.
 */
import { BoxPanel } from '@lumino/widgets';
import type { Navigator, ViewerContext } from '../widgets/context.js';
import { type Route } from '../widgets/routes.js';
/** Keeps the route in `location.hash`. */
export declare class HashNavigator implements Navigator {
    private readonly onChange;
    constructor(onChange: (r: Route) => void);
    get route(): Route;
    href(route: Route): string;
    go(route: Route, opts?: {
        replace?: boolean;
    }): void;
}
/** The page: top bar, sidebar, main view. */
export declare class PageShell extends BoxPanel {
    private readonly ctx;
    private readonly sidebar;
    private readonly main;
    private view;
    private viewKind;
    constructor(ctx: ViewerContext);
    /** Shows a route: moves the current view there when it can, else replaces it. */
    showRoute(route: Route): void;
}
