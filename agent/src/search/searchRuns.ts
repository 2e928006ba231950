/**
 * runs/search over runs already in memory: view type, filter, order, page, as MLflow's
 * file store does it. Pure: the caller picks the runs of the requested experiments.
 */
import type { ViewType } from '@lablog/schema';
import type { RunDoc } from '../store/records.js';
import { parseFilter } from './filterParser.js';
import { runSorter } from './orderBy.js';
import { checkMaxResults, decodePageToken, pageOfFirst } from './pageToken.js';
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
  const size = checkMaxResults(req.maxResults);
  const offset = decodePageToken(req.pageToken);
  const matches = compileRunFilter(parseFilter(req.filter, 'run'));
  const sort = runSorter(req.orderBy);
  const viewType = req.viewType ?? 'ACTIVE_ONLY';

  const selected: RunDoc[] = [];
  for (const doc of runs) {
    if (inView(doc.info.lifecycle_stage, viewType) && matches(doc)) selected.push(doc);
  }
  const page = pageOfFirst(sort(selected, offset + size), selected.length, offset, size);
  return page.nextPageToken === undefined ? { runs: page.items } : { runs: page.items, nextPageToken: page.nextPageToken };
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
