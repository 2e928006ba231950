/**
 * RunView — one run: info, params, tags, dataset inputs, charts, artifacts, model versions.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
/** one run: info, params, tags, dataset inputs, charts, artifacts, model versions. */
export class RunView extends Widget {
    ctx;
    constructor(ctx, route) {
        super();
        this.ctx = ctx;
        this.addClass('ll-run-view');
        this.setRoute(route);
    }
    setRoute(route) {
        this.node.textContent = `RunView: ${JSON.stringify(route)} (${this.ctx.query.url})`;
        return true;
    }
}
//# sourceMappingURL=RunView.js.map