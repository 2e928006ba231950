/**
 * A small indicator of the link to the agent: connected (with its version), or not running —
 * then it says how to start it and keeps trying, backing off from 1 s to 15 s.
 */
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
/** Shows whether the agent answers and tells listeners when that changes. */
export class ConnectionStatus extends Widget {
    ctx;
    timer = null;
    delay = 1000;
    up = null;
    changed = new Signal(this);
    constructor(ctx) {
        super();
        this.ctx = ctx;
        this.addClass('ll-connection');
        this.node.setAttribute('role', 'status');
        this.node.setAttribute('aria-live', 'polite');
        this.render(null, null);
        void this.check();
    }
    /** Emits true when the agent comes back, false when it goes away. */
    get connectionChanged() {
        return this.changed;
    }
    /** Whether the agent answered the last check (null before the first). */
    get connected() {
        return this.up;
    }
    async check() {
        if (this.isDisposed)
            return;
        const res = await this.ctx.query.ping();
        if (this.isDisposed)
            return;
        const wasUp = this.up;
        if (res.up !== wasUp) {
            this.up = res.up;
            this.render(res.up, res.lablogVersion);
            this.changed.emit(res.up);
        }
        // while down: 1 s, 2 s, 4 s … 15 s; while up: a check every 5 s
        this.delay = res.up ? 5000 : wasUp === false ? Math.min(this.delay * 2, 15_000) : 1000;
        this.timer = setTimeout(() => void this.check(), this.delay);
    }
    render(up, version) {
        this.node.dataset.state = up === null ? 'checking' : up ? 'up' : 'down';
        this.node.title = up ? `Connected to ${this.ctx.query.url}${version ? ` (lablog ${version})` : ' (an MLflow server)'}` : up === false ? `No agent at ${this.ctx.query.url}: start it with \`npx lablog serve\`; retrying` : 'Connecting…';
        this.node.textContent = up === null ? 'connecting…' : up ? 'connected' : 'agent not running — start it with `npx lablog serve`; retrying';
    }
    dispose() {
        if (this.timer)
            clearTimeout(this.timer);
        super.dispose();
    }
}
//# sourceMappingURL=ConnectionStatus.js.map