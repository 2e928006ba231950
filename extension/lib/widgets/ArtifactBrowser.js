/**
 * ArtifactBrowser — a run's artifact tree with a preview of the chosen file: images, text,
 * JSON, CSV as a table, HTML in a sandboxed frame, notebooks (.ipynb) rendered read-only.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
/** Browses and previews one run's artifacts. */
export class ArtifactBrowser extends Widget {
    ctx;
    opts;
    constructor(ctx, opts) {
        super();
        this.ctx = ctx;
        this.opts = opts;
        this.addClass('ll-artifacts');
        this.render();
    }
    /** Shows another file of the same run. */
    open(path) {
        this.opts = { ...this.opts, ...(path === undefined ? {} : { path }) };
        this.render();
    }
    render() {
        this.node.textContent = `artifacts of ${this.opts.runId} at ${this.opts.path ?? '/'} (${this.ctx.query.url})`;
    }
}
//# sourceMappingURL=ArtifactBrowser.js.map