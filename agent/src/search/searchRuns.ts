/**
 * runs/search over runs already in memory: view type, filter, order, page, as MLflow's
 * file store does it. Pure: the caller picks the runs of the requested experiments.
 */
import type { ViewType } from '@lablog/schema';
import type { RunDoc } from '../store/records.js';
import { parseFilter } from './filterParser.js';
import { runComparator, runIndexSorter, runOrderKey, runSorter } from './orderBy.js';
import { checkMaxResults, decodePageToken, encodePageToken, pageOfFirst } from './pageToken.js';
import { compileRunFilter } from './runFilter.js';

/** The search part of a runs/search request, already decoded from the wire. */
export interface SearchRunsRequest {
  /** MLflow filter string (clauses joined by AND); empty or undefined matches every run. */
  filter?: string;
  /** order_by entries such as `metrics.loss DESC`; MLflow's default order always follows them. */
  orderBy?: readonly string[];
  /** Which lifecycle stages to include; default `ACTIVE_ONLY`. */
  viewType?: ViewType;
  /** Page size, 1 to 50 000; default 1000. */
  maxResults?: number;
  /** Token from a previous response's `nextPageToken`; absent for the first page. */
  pageToken?: string;
}

/** One page of runs/search results. */
export interface SearchRunsResult {
  runs: RunDoc[];
  /** Present only when more runs remain after this page. */
  nextPageToken?: string;
}

/**
 * Returns true when a lifecycle stage is visible under a view type.
 * @param stage `info.lifecycle_stage` of a run, or an experiment's.
 */
export function inView(stage: string, viewType: ViewType = 'ACTIVE_ONLY'): boolean {
  if (viewType === 'ALL') return true;
  return viewType === 'DELETED_ONLY' ? stage === 'deleted' : stage === 'active';
}

/**
 * Searches runs: keeps those in the view that match the filter, sorts them, returns one page.
 * Every part of the request is validated before any run is looked at.
 * @param runs candidate runs (e.g. those of the requested experiments); not modified.
 * @throws 400 INVALID_PARAMETER_VALUE for an invalid filter, order_by, max_results or page token.
 */
export function searchRuns(runs: readonly RunDoc[], req: SearchRunsRequest = {}): SearchRunsResult {
  return searchRunsWith(req, () => runs, () => undefined);
}

/** Holds a run's current document (the file engine's runs do; their documents are replaced on change). */
export interface RunHolder {
  readonly doc: RunDoc;
}

/**
 * Where a search may find its candidate runs already in the order it asks for: all of them,
 * whatever their lifecycle stage, sorted as `runIndexSorter(orderBy)` sorts them.
 * @param orderKey the order's name (`runOrderKey`)
 * @param sortIndexes sorts candidate documents (the positions of `runs` in order), for a source
 *   that decides to keep the order
 * @param compare the same order between two documents (`runComparator`), for a source that
 *   puts changed runs back into an order it kept
 * @returns the candidates in order, or undefined when the source has none ready
 */
export type SortedRunSource = (
  orderKey: string,
  sortIndexes: (runs: readonly RunDoc[]) => number[],
  compare: (a: RunDoc, b: RunDoc) => number,
) => readonly RunHolder[] | undefined;

/**
 * `searchRuns` for a caller that may keep its runs sorted: when `sorted` has the candidates in
 * the asked order, the page is read by walking that order until it is full (and one match
 * more, which says whether a next page exists) instead of filtering and sorting every run.
 * The results are the same: the order is total, so the runs in the view that match, taken in
 * it, are exactly what sorting the matches gives.
 * @param gather the candidate runs, read only when no sorted order is used
 * @throws 400 INVALID_PARAMETER_VALUE as `searchRuns`, in the same order of checks
 */
export function searchRunsWith(req: SearchRunsRequest, gather: () => readonly RunDoc[], sorted: SortedRunSource): SearchRunsResult {
  const size = checkMaxResults(req.maxResults);
  const offset = decodePageToken(req.pageToken);
  const matches = compileRunFilter(parseFilter(req.filter, 'run'));
  const sort = runSorter(req.orderBy);
  const viewType = req.viewType ?? 'ACTIVE_ONLY';

  const kept = sorted(runOrderKey(req.orderBy), (runs) => runIndexSorter(req.orderBy)(runs), runComparator(req.orderBy));
  if (kept !== undefined) return walkSorted(kept, (doc) => inView(doc.info.lifecycle_stage, viewType) && matches(doc), offset, size);

  const runs = gather();
  const selected: RunDoc[] = [];
  for (const doc of runs) {
    if (inView(doc.info.lifecycle_stage, viewType) && matches(doc)) selected.push(doc);
  }
  const page = pageOfFirst(sort(selected, offset + size), selected.length, offset, size);
  return page.nextPageToken === undefined ? { runs: page.items } : { runs: page.items, nextPageToken: page.nextPageToken };
}

/** The page at `offset` of the runs of `sorted` that `keep` keeps, and whether one more follows. */
function walkSorted(sorted: readonly RunHolder[], keep: (doc: RunDoc) => boolean, offset: number, size: number): SearchRunsResult {
  const end = offset + size;
  const runs: RunDoc[] = [];
  let found = 0;
  for (let i = 0; i < sorted.length; i++) {
    const doc = sorted[i]!.doc;
    if (!keep(doc)) continue;
    if (found === end) return { runs, nextPageToken: encodePageToken(end) };
    if (found >= offset) runs.push(doc);
    found++;
  }
  return { runs };
}

/**
 * How many runs `searchRuns` with the same filter and view type finds over all its pages.
 * @throws 400 INVALID_PARAMETER_VALUE for an invalid filter.
 */
export function countRuns(runs: readonly RunDoc[], req: Pick<SearchRunsRequest, 'filter' | 'viewType'> = {}): number {
  const matches = compileRunFilter(parseFilter(req.filter, 'run'));
  const viewType = req.viewType ?? 'ACTIVE_ONLY';
  let n = 0;
  for (const doc of runs) if (inView(doc.info.lifecycle_stage, viewType) && matches(doc)) n++;
  return n;
}
