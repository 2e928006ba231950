/**
 * RunsView — an experiment's runs table: search box (MLflow filter grammar), sortable columns, paging, nested runs as a tree, live rows.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
/** an experiment's runs table: search box (MLflow filter grammar), sortable columns, paging, nested runs as a tree, live rows. */
export class RunsView extends Widget {
    ctx;
    constructor(ctx, route) {
        super();
        this.ctx = ctx;
        this.addClass('ll-runs-view');
        this.setRoute(route);
    }
    setRoute(route) {
        this.node.textContent = `RunsView: ${JSON.stringify(route)} (${this.ctx.query.url})`;
        return true;
    }
}
//# sourceMappingURL=RunsView.js.map