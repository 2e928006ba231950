/**
 * runs/search and runs/count on PostgreSQL: every part of the request checked first (in the file engine's
 * order), the matching runs picked — by LatestMetricsIndex when the search names only metrics
 * (indexedRunSearch), otherwise in SQL (runSearchSql) — then read with their latest metrics.
 * A search ordered first by a metric reads in SQL in two parts (splitRunSearch) — the runs
 * having the metric through its index, then the runs lacking it — inside one read-only
 * snapshot, so a page is consistent even while other agents write.
 */
import type pg from 'pg';
import { parseFilter } from '../../search/filterParser.js';
import { parseOrderBy } from '../../search/orderBy.js';
import { checkMaxResults, decodePageToken, encodePageToken } from '../../search/pageToken.js';
import type { RunDoc } from '../records.js';
import type { Page, SearchRequest } from '../TrackingStore.js';
import { indexAnswers, indexedRunCount, indexedRunSearch } from './indexedRunSearch.js';
import type { ExperimentRuns, LatestMetricsIndex } from './LatestMetricsIndex.js';
import { runRecords, type RunRow } from './pgRows.js';
import { runCountSql, runSearchSql, splitRunSearch, type RunSearchSpec } from './runSearchSql.js';

/** The `rid`s of the runs `spec` picks, in order. */
async function pickRuns(c: pg.PoolClient, spec: RunSearchSpec): Promise<number[]> {
  const rids = async (q: { text: string; values: unknown[] }) => (await c.query<{ rid: number }>(q.text, q.values)).rows.map((r) => r.rid);
  const split = splitRunSearch(spec);
  if (!split) return rids(runSearchSql(spec));
  const present = await rids(split.present(spec.offset, spec.limit));
  if (present.length === spec.limit) return present;
  // the runs having the metric end within this page (or before it): those lacking it follow
  const before = present.length > 0 ? spec.offset + present.length : Number((await c.query<{ n: number }>(split.countPresent.text, split.countPresent.values)).rows[0]!.n);
  return [...present, ...(await rids(split.absent(Math.max(0, spec.offset - before), spec.limit - present.length)))];
}

/** The experiments' runs in the index, when `spec` is one it answers and it holds them all; else null. */
async function heldRuns(index: LatestMetricsIndex | undefined, spec: Pick<RunSearchSpec, 'experimentIds' | 'clauses' | 'order'>): Promise<ExperimentRuns[] | null> {
  if (!index || spec.experimentIds.length === 0 || !indexAnswers(spec.clauses, spec.order)) return null;
  const held = await Promise.all(spec.experimentIds.map((id) => index.runs(id)));
  return held.some((h) => h === null) ? null : held.map((h) => h!);
}

/**
 * How many runs of `experimentIds` (all when empty) in the view match `filter`, over all pages.
 * @param index this agent's latest metrics, for the filters it answers
 */
export async function pgCountRuns(pool: pg.Pool, experimentIds: readonly string[], req: Pick<SearchRequest, 'filter' | 'viewType'>, index?: LatestMetricsIndex): Promise<number> {
  const spec = { experimentIds, clauses: parseFilter(req.filter, 'run'), order: [], viewType: req.viewType ?? 'ACTIVE_ONLY' };
  const held = await heldRuns(index, spec);
  if (held) return indexedRunCount(held, spec.clauses, spec.viewType);
  const q = runCountSql(spec);
  const { rows } = await pool.query<{ n: string | number }>(q.text, q.values);
  return Number(rows[0]!.n);
}

/**
 * Runs of `experimentIds` (all when empty) in the view that match `req`, sorted, one page.
 * @param index this agent's latest metrics, for the searches it answers (none: all in SQL)
 */
export async function pgSearchRuns(pool: pg.Pool, experimentIds: readonly string[], req: SearchRequest, index?: LatestMetricsIndex): Promise<Page<RunDoc>> {
  const size = checkMaxResults(req.maxResults);
  const offset = decodePageToken(req.pageToken);
  const clauses = parseFilter(req.filter, 'run');
  const order = (req.orderBy ?? []).map((o) => parseOrderBy(o, 'run'));
  const spec: RunSearchSpec = { experimentIds, clauses, order, viewType: req.viewType ?? 'ACTIVE_ONLY', offset, limit: size + 1 };
  const held = await heldRuns(index, spec);
  const indexed = held ? indexedRunSearch(held, spec) : null;
  const c = await pool.connect();
  try {
    // Memoize caches a probe per run number, and a walk meets each run once: all cost, no hits
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL enable_memoize = off');
    let more: boolean;
    let rows: RunRow[];
    if (indexed) {
      more = indexed.length > size;
      const ids = indexed.slice(0, size);
      const byId = new Map((await c.query<RunRow>('SELECT * FROM runs WHERE run_id = ANY($1::text[])', [ids])).rows.map((r) => [r.run_id, r]));
      rows = ids.map((id) => byId.get(id)!).filter(Boolean);
    } else {
      const picked = await pickRuns(c, spec);
      more = picked.length > size;
      const rids = picked.slice(0, size);
      const byRid = new Map((await c.query<RunRow>('SELECT * FROM runs WHERE rid = ANY($1::int8[])', [rids])).rows.map((r) => [r.rid, r]));
      rows = rids.map((rid) => byRid.get(rid)!).filter(Boolean);
    }
    const items = await runRecords(c, rows);
    await c.query('COMMIT');
    return more ? { items, nextPageToken: encodePageToken(offset + size) } : { items };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
