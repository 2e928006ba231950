/**
 * The PostgreSQL engine's metric columns of recently read metrics, kept in memory as the file
 * engine keeps its ColumnCache: a chart's downsample, or the 40 pages of a 1M-point history,
 * read the chunks once instead of once per request. An entry is valid while the metric's point
 * count is what it was read at — every write adds points (a merge rewrites chunks but adds the
 * new ones too), so one small query over the chunks' sizes, on any agent of the database, tells
 * whether something was written since (the caller's query: PgTrackingStore.metricAt). Bounded in bytes, least
 * recently used out first.
 */
import type pg from 'pg';
import { COLUMN_CACHE_BYTES } from '../../lablog/ColumnCache.js';
import { readChunks, type ChunkColumns } from './pgChunkReads.js';

/** One metric of one run, and its point count as just read: where every metric read starts. */
export interface MetricAt {
  /** The run's number. */
  rid: number;
  key: string;
  /** The metric's point count. */
  total: number;
}

interface Entry {
  total: number;
  cols: ChunkColumns;
}

const bytesOf = (cols: ChunkColumns) => cols.length * 24;

/** Columns of recently read metrics, checked against the database on every use. */
export class PgColumnCache {
  // a Map iterates in insertion order: re-inserting on use keeps the least recent first
  private readonly entries = new Map<string, Entry>();
  private held = 0;

  /**
   * @param pool the store's pool
   * @param budget bytes of columns kept (default: the file engine's COLUMN_CACHE_BYTES); a metric
   *   larger than the budget is read every time
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly budget = COLUMN_CACHE_BYTES,
  ) {}

  /**
   * Every point of the metric as committed when its point count was `total`, in the store's
   * order; null when the metric alone is larger than the budget (the caller reads just what it
   * needs).
   */
  async columns({ rid, key, total }: MetricAt): Promise<ChunkColumns | null> {
    const id = `${rid}\u0000${key}`;
    const hit = this.entries.get(id);
    this.drop(id);
    if (hit && hit.total === total) return this.keep(id, hit);
    if (total * 24 > this.budget) return null;
    // the version is the read's own count: columns and version come from one snapshot
    const cols = await readChunks(this.pool, rid, key);
    return this.keep(id, { total: cols.length, cols });
  }

  private keep(id: string, e: Entry): ChunkColumns {
    if (bytesOf(e.cols) > this.budget) return e.cols;
    this.entries.set(id, e);
    this.held += bytesOf(e.cols);
    for (const [other] of this.entries) {
      if (this.held <= this.budget) break;
      if (other !== id) this.drop(other);
    }
    return e.cols;
  }

  private drop(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.held -= bytesOf(e.cols);
  }
}
