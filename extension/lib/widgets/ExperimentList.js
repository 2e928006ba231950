/**
 * ExperimentList — the experiment list (sidebar): names, run counts, selected one highlighted, live.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
/** the experiment list (sidebar): names, run counts, selected one highlighted, live. */
export class ExperimentList extends Widget {
    ctx;
    constructor(ctx, route) {
        super();
        this.ctx = ctx;
        this.addClass('ll-experiment-list');
        this.setRoute(route);
    }
    setRoute(route) {
        this.node.textContent = `ExperimentList: ${JSON.stringify(route)} (${this.ctx.query.url})`;
        return true;
    }
}
//# sourceMappingURL=ExperimentList.js.map