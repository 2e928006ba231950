/**
 * runs/search on PostgreSQL: every part of the request checked first (in the file engine's
 * order), the matching runs picked in SQL (runSearchSql), then read with their latest metrics.
 * A search ordered first by a metric reads in two parts (splitRunSearch) — the runs having the
 * metric through its index, then the runs lacking it — inside one read-only snapshot, so a page
 * is consistent even while other agents write.
 */
import type pg from 'pg';
import { parseFilter } from '../../search/filterParser.js';
import { parseOrderBy } from '../../search/orderBy.js';
import { checkMaxResults, decodePageToken, encodePageToken } from '../../search/pageToken.js';
import type { RunDoc } from '../records.js';
import type { Page, SearchRequest } from '../TrackingStore.js';
import { runRecords, type RunRow } from './pgRows.js';
import { runSearchSql, splitRunSearch, type RunSearchSpec } from './runSearchSql.js';

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

/** Runs of `experimentIds` (all when empty) in the view that match `req`, sorted, one page. */
export async function pgSearchRuns(pool: pg.Pool, experimentIds: readonly string[], req: SearchRequest): Promise<Page<RunDoc>> {
  const size = checkMaxResults(req.maxResults);
  const offset = decodePageToken(req.pageToken);
  const clauses = parseFilter(req.filter, 'run');
  const order = (req.orderBy ?? []).map((o) => parseOrderBy(o, 'run'));
  const c = await pool.connect();
  try {
    // Memoize caches a probe per run number, and a walk meets each run once: all cost, no hits
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL enable_memoize = off');
    const picked = await pickRuns(c, { experimentIds, clauses, order, viewType: req.viewType ?? 'ACTIVE_ONLY', offset, limit: size + 1 });
    const rids = picked.slice(0, size);
    const { rows } = await c.query<RunRow>('SELECT * FROM runs WHERE rid = ANY($1::int8[])', [rids]);
    const byRid = new Map(rows.map((r) => [r.rid, r]));
    const items = await runRecords(c, rids.map((rid) => byRid.get(rid)!).filter(Boolean));
    await c.query('COMMIT');
    return picked.length > size ? { items, nextPageToken: encodePageToken(offset + size) } : { items };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
