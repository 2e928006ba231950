/**
 * The live metric points of a set of runs, from one watcher per run (`lablog.watch`), handed
 * to whoever listens: the charts of a grid share one feed instead of watching once per chart.
 * `ready(runId)` resolves once the run's subscription is active — a chart that reads history
 * after that misses nothing, since every later point comes through the feed.
 */
import type { Lablog, WatchEvent } from '@lablog/client';
import type { WireMetric, WireRun } from '@lablog/schema';

/** What a feed tells its listeners. */
export interface FeedListener {
  /** Points of a run, as committed (several keys mixed). */
  points?(runId: string, points: readonly WireMetric[]): void;
  /** The run as the agent holds it: on subscribing, and after a resync. */
  run?(run: WireRun): void;
  /** Changes may have been missed (after a resync): read the history again. */
  gap?(runId: string): void;
}

/** How long a chart waits for the live channel before it reads history without it. */
const READY_TIMEOUT_MS = 3000;

interface Watch {
  watcher: ReturnType<Lablog['watch']>;
  ready: Promise<void>;
}

/** Live metrics of some runs. */
export class RunMetricFeed {
  private readonly watches = new Map<string, Watch>();
  private readonly listeners = new Set<FeedListener>();
  private disposed = false;

  constructor(private readonly lablog: Lablog) {}

  /** Watches exactly these runs (starts new watchers, stops the others). */
  setRuns(runIds: readonly string[]): void {
    if (this.disposed) return;
    const want = new Set(runIds);
    for (const [id, w] of this.watches) {
      if (want.has(id)) continue;
      void w.watcher.return();
      this.watches.delete(id);
    }
    for (const id of want) if (!this.watches.has(id)) this.watches.set(id, this.start(id));
  }

  /** Resolves when a run's live subscription is active (or could not be made, or took too long). */
  ready(runId: string): Promise<void> {
    return this.watches.get(runId)?.ready ?? Promise.resolve();
  }

  /** Adds a listener; returns the function that removes it. */
  listen(l: FeedListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Stops every watcher. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of this.watches.values()) void w.watcher.return();
    this.watches.clear();
    this.listeners.clear();
  }

  private start(runId: string): Watch {
    const watcher = this.lablog.watch({ run: runId });
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const timer = setTimeout(markReady, READY_TIMEOUT_MS);
    void (async () => {
      try {
        for await (const ev of watcher) {
          this.dispatch(runId, ev);
          if (ev.kind === 'snapshot') {
            clearTimeout(timer);
            markReady();
          }
        }
      } catch {
        // the agent refused (a plain MLflow server): charts still read history, without live points
      } finally {
        clearTimeout(timer);
        markReady();
      }
    })();
    return { watcher, ready };
  }

  private dispatch(runId: string, ev: WatchEvent): void {
    if (this.disposed) return;
    switch (ev.kind) {
      case 'snapshot': {
        const run = ev.runs.find((r) => r.info.run_id === runId);
        for (const l of this.listeners) {
          if (run) l.run?.(run);
          if (ev.reason === 'resync') l.gap?.(runId);
        }
        return;
      }
      case 'gap':
        for (const l of this.listeners) l.gap?.(runId);
        return;
      case 'metrics':
        if (ev.run_id !== runId) return;
        for (const l of this.listeners) l.points?.(runId, ev.metrics);
        return;
      default:
        return;
    }
  }
}
