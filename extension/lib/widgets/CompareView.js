/**
 * CompareView — 2–N runs side by side: overlaid charts, params and metrics with differences highlighted, parallel coordinates.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
/** 2–N runs side by side: overlaid charts, params and metrics with differences highlighted, parallel coordinates. */
export class CompareView extends Widget {
    ctx;
    constructor(ctx, route) {
        super();
        this.ctx = ctx;
        this.addClass('ll-compare-view');
        this.setRoute(route);
    }
    setRoute(route) {
        this.node.textContent = `CompareView: ${JSON.stringify(route)} (${this.ctx.query.url})`;
        return true;
    }
}
//# sourceMappingURL=CompareView.js.map