/**
 * The runs whose metric columns are kept in memory: every run created while the agent runs
 * (its columns grow with its commits, so its charts never read the file), and every run read
 * since — least recently used first out once they hold more than a budget of bytes. Part of the
 * file engine (`FileTrackingStore` makes one), so every prefix the routes are mounted under shares it.
 */
import type { FileStore } from '../store/FileStore.js';
import { RunColumns } from './RunColumns.js';

/** Bytes of columns kept by default: ~5.5 million points (24 bytes each). */
export const COLUMN_CACHE_BYTES = 128 * 1024 * 1024;

/** Metric columns of recent runs, bounded in bytes. */
export class ColumnCache {
  // a Map iterates in insertion order: re-inserting on use keeps the least recent first
  private readonly runs = new Map<string, RunColumns>();
  private held = 0;
  private evicting = false;

  /**
   * @param store the store whose metric logs are read
   * @param budget bytes of columns kept (default COLUMN_CACHE_BYTES); the run being read is
   *   always kept, even when it alone is larger
   */
  constructor(
    private readonly store: FileStore,
    private readonly budget = COLUMN_CACHE_BYTES,
  ) {
    // a run with no points yet: follow its commits from the start
    store.feed.subscribe(({ event: e }) => {
      if (e.type !== 'run' || this.runs.has(e.run.info.run_id)) return;
      const log = store.metricLog(e.run.info.run_id);
      if (log.size === 0) this.add(e.run.info.run_id, new RunColumns(log, (d) => this.grew(d)));
    });
  }

  /**
   * The columns of a run, up to date with its committed points.
   * @throws RESOURCE_DOES_NOT_EXIST for an unknown run
   */
  async columns(runId: string): Promise<RunColumns> {
    const log = this.store.metricLog(runId);
    let cols = this.runs.get(runId);
    if (cols) this.runs.delete(runId);
    else cols = new RunColumns(log, (d) => this.grew(d));
    this.runs.set(runId, cols);
    await cols.update();
    this.evict(runId);
    return cols;
  }

  private add(runId: string, cols: RunColumns): void {
    this.runs.set(runId, cols);
    this.evict(runId);
  }

  private grew(delta: number): void {
    this.held += delta;
    if (this.held > this.budget && !this.evicting) this.evict(null);
  }

  private evict(keep: string | null): void {
    this.evicting = true;
    try {
      for (const [id, c] of this.runs) {
        if (this.held <= this.budget) break;
        if (id === keep) continue;
        this.runs.delete(id);
        c.detach();
        this.held -= c.bytes;
      }
    } finally {
      this.evicting = false;
    }
  }
}
