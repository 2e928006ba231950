/**
 * What a viewer can show, as data: the page turns a route into a URL (`#/runs/<id>`) so every
 * view can be bookmarked and shared; the JupyterLab panel keeps it in memory. Widgets never
 * touch `location` themselves: they ask their `Navigator`.
 */
/** One view and its state. */
export type Route = {
    view: 'runs';
    experimentId?: string;
    filter?: string;
    orderBy?: string;
    columns?: string[];
} | {
    view: 'run';
    runId: string;
    tab?: RunTab;
    artifact?: string;
} | {
    view: 'compare';
    runIds: string[];
} | {
    view: 'models';
} | {
    view: 'model';
    name: string;
    version?: string;
};
/** Tabs of the run page. */
export type RunTab = 'overview' | 'charts' | 'artifacts';
/** Turns a route into a URL hash (`#/...`). */
export declare function formatRoute(r: Route): string;
/** Reads a URL hash back into a route; anything unknown is the home view. */
export declare function parseRoute(hash: string): Route;
