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
export class ChartGrid extends Widget {
  constructor(
    private readonly ctx: ViewerContext,
    private opts: ChartGridOptions,
  ) {
    super();
    this.addClass('ll-chart-grid');
    this.render();
  }

  /** Draws another set of runs. */
  setRuns(runIds: string[]): void {
    this.opts = { ...this.opts, runIds };
    this.render();
  }

  private render(): void {
    this.node.textContent = `charts of ${this.opts.runIds.join(', ')} (${this.ctx.query.url})`;
  }
}
