/**
 * A small indicator of the link to the agent: connected (with its version), or not running —
 * then it says how to start it and keeps trying, backing off from 1 s to 15 s.
 */
import { Signal, type ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import type { ViewerContext } from './context.js';

/** How to get an agent: the Jupyter server starts one when the Python package is installed; otherwise by hand. */
const START_HINT = 'install jupyterlab-lablog in the Jupyter server\'s environment (pip) and restart it, or start one with `npx lablog serve`';

/** Shows whether the agent answers and tells listeners when that changes. */
export class ConnectionStatus extends Widget {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private delay = 1000;
  private up: boolean | null = null;
  private readonly changed = new Signal<this, boolean>(this);

  /** @param started when to make the first check (default now): JupyterLab's panel waits for its settings */
  constructor(
    private readonly ctx: ViewerContext,
    started: Promise<void> = Promise.resolve(),
  ) {
    super();
    this.addClass('ll-connection');
    this.node.setAttribute('role', 'status');
    this.node.setAttribute('aria-live', 'polite');
    this.render(null, null);
    void started.then(() => this.check());
  }

  /** Checks again now (after the agent URL changed). */
  recheck(): void {
    if (this.timer) clearTimeout(this.timer);
    this.up = null;
    this.render(null, null);
    void this.check();
  }

  /** Emits true when the agent comes back, false when it goes away. */
  get connectionChanged(): ISignal<this, boolean> {
    return this.changed;
  }

  /** Whether the agent answered the last check (null before the first). */
  get connected(): boolean | null {
    return this.up;
  }

  private async check(): Promise<void> {
    if (this.isDisposed) return;
    const res = await this.ctx.query.ping();
    if (this.isDisposed) return;
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

  private render(up: boolean | null, version: string | null): void {
    this.node.dataset.state = up === null ? 'checking' : up ? 'up' : 'down';
    this.node.title = up ? `Connected to ${this.ctx.query.url}${version ? ` (lablog ${version})` : ' (an MLflow server)'}` : up === false ? `No agent at ${this.ctx.query.url}: ${START_HINT}; retrying` : 'Connecting…';
    this.node.textContent = up === null ? 'connecting…' : up ? 'connected' : `agent not running — ${START_HINT}; retrying`;
  }

  override dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    super.dispose();
  }
}
