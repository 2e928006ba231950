/**
 * ModelsView — the model registry: registered models, versions, aliases and stages.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
/** the model registry: registered models, versions, aliases and stages. */
export class ModelsView extends Widget {
    ctx;
    constructor(ctx, route) {
        super();
        this.ctx = ctx;
        this.addClass('ll-models-view');
        this.setRoute(route);
    }
    setRoute(route) {
        this.node.textContent = `ModelsView: ${JSON.stringify(route)} (${this.ctx.query.url})`;
        return true;
    }
}
//# sourceMappingURL=ModelsView.js.map