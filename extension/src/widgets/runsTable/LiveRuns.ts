/**
 * The live changes of one experiment for a table that reads its rows itself (`runs/search`):
 * a watcher without snapshot, whose events are handed over in batches, at most one batch per
 * animation frame, so a run logging thousands of points a second costs one DOM update a frame.
 */
import type { WatchEvent, Watcher } from '@lablog/client';
import type { ViewerContext } from '../context.js';

/** Events held while the page is in the background (no frames); past this, one `gap` replaces them. */
const MAX_QUEUED = 20_000;

/** Watches an experiment until disposed. */
export class LiveRuns {
  private watcher: Watcher | null;
  private queue: WatchEvent[] = [];
  private frame: number | null = null;

  /**
   * Starts watching at once.
   * @param onBatch called once per animation frame with the events that arrived since the last one
   */
  constructor(
    ctx: ViewerContext,
    experimentId: string,
    private readonly onBatch: (events: readonly WatchEvent[]) => void,
  ) {
    this.watcher = ctx.lablog.watch({ experimentId }, { snapshot: false });
    void this.pump(this.watcher);
  }

  private async pump(w: Watcher): Promise<void> {
    try {
      for await (const ev of w) {
        if (this.watcher !== w) return;
        if (this.queue.length >= MAX_QUEUED) this.queue = [{ kind: 'gap', reason: 'missed', seq: 0 }];
        else this.queue.push(ev);
        this.frame ??= requestAnimationFrame(() => this.flush());
      }
    } catch {
      // no live channel (a plain MLflow server, or the agent refused): the table stays as read
    }
  }

  private flush(): void {
    this.frame = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length && this.watcher) this.onBatch(batch);
  }

  /** Stops watching. Idempotent. */
  dispose(): void {
    const w = this.watcher;
    this.watcher = null;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.queue = [];
    void w?.return();
  }
}
