/**
 * ChartGrid — one live uPlot chart per metric over one or more runs (runs overlaid), with a
 * toolbar: x by step or time, log scale, smoothing, a filter on metric names.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
/** One chart per metric key of the given runs. */
export class ChartGrid extends Widget {
    ctx;
    opts;
    constructor(ctx, opts) {
        super();
        this.ctx = ctx;
        this.opts = opts;
        this.addClass('ll-chart-grid');
        this.render();
    }
    /** Draws another set of runs. */
    setRuns(runIds) {
        this.opts = { ...this.opts, runIds };
        this.render();
    }
    render() {
        this.node.textContent = `charts of ${this.opts.runIds.join(', ')} (${this.ctx.query.url})`;
    }
}
//# sourceMappingURL=ChartGrid.js.map