/**
 * ChartGrid — one live uPlot chart per metric over one or more runs (runs overlaid), with a
 * toolbar: x by step or time, log scale, smoothing, a filter on metric names.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
import type { ViewerContext } from './context.js';
/** Options of a chart grid. */
export interface ChartGridOptions {
    /** The runs drawn; each one is a series on every chart. */
    runIds: string[];
    /** Only these metric keys (default: every key any of the runs has). */
    keys?: string[];
}
/** One chart per metric key of the given runs. */
export declare class ChartGrid extends Widget {
    private readonly ctx;
    private opts;
    constructor(ctx: ViewerContext, opts: ChartGridOptions);
    /** Draws another set of runs. */
    setRuns(runIds: string[]): void;
    private render;
}
