/**
 * CompareView — 2–N runs side by side: charts overlaid per metric, params and latest metrics
 * with differences highlighted, a parallel-coordinates view over chosen params and metrics.
 * (Placeholder while it is being built.)
 */
import { Panel } from '@lumino/widgets';
import { ChartGrid } from './ChartGrid.js';
/** Compares runs. */
export class CompareView extends Panel {
    ctx;
    charts;
    constructor(ctx, route) {
        super();
        this.ctx = ctx;
        this.addClass('ll-compare-view');
        this.charts = new ChartGrid(this.ctx, { runIds: route.view === 'compare' ? route.runIds : [] });
        this.addWidget(this.charts);
    }
    setRoute(route) {
        if (route.view !== 'compare')
            return false;
        this.charts.setRuns(route.runIds);
        return true;
    }
}
//# sourceMappingURL=CompareView.js.map