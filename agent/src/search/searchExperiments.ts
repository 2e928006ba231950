/**
 * experiments/search over experiments already in memory: view type, filter, order, page.
 */
import type { ViewType } from '@lablog/schema';
import type { ExperimentRecord } from '../store/records.js';
import { compileExperimentFilter } from './experimentFilter.js';
import { parseFilter } from './filterParser.js';
import { experimentComparator } from './orderBy.js';
import { firstSorted } from './firstSorted.js';
import { checkMaxResults, decodePageToken, pageOfFirst } from './pageToken.js';
import { inView } from './searchRuns.js';

/** The search part of an experiments/search request, already decoded from the wire. */
export interface SearchExperimentsRequest {
  /** Filter over `name`, `creation_time`, `last_update_time` and `tags.<key>`; empty matches all. */
  filter?: string;
  /** order_by over `name`, `experiment_id`, `creation_time`, `last_update_time`; default `creation_time DESC, experiment_id ASC`. */
  orderBy?: readonly string[];
  /** Which lifecycle stages to include; default `ACTIVE_ONLY`. */
  viewType?: ViewType;
  /** Page size, 1 to 50 000; default 1000. */
  maxResults?: number;
  /** Token from a previous response's `nextPageToken`; absent for the first page. */
  pageToken?: string;
}

/** One page of experiments/search results. */
export interface SearchExperimentsResult {
  experiments: ExperimentRecord[];
  /** Present only when more experiments remain after this page. */
  nextPageToken?: string;
}

/**
 * Searches experiments: keeps those in the view that match the filter, sorts them, returns one page.
 * @param experiments all experiments; not modified.
 * @throws 400 INVALID_PARAMETER_VALUE for an invalid filter, order_by, max_results or page token.
 */
export function searchExperiments(
  experiments: readonly ExperimentRecord[],
  req: SearchExperimentsRequest = {},
): SearchExperimentsResult {
  const size = checkMaxResults(req.maxResults);
  const offset = decodePageToken(req.pageToken);
  const matches = compileExperimentFilter(parseFilter(req.filter, 'experiment'));
  const compare = experimentComparator(req.orderBy);
  const viewType = req.viewType ?? 'ACTIVE_ONLY';

  const selected = experiments.filter((e) => inView(e.lifecycle_stage, viewType) && matches(e));
  const page = pageOfFirst(firstSorted(selected, compare, offset + size), selected.length, offset, size);
  return page.nextPageToken === undefined
    ? { experiments: page.items }
    : { experiments: page.items, nextPageToken: page.nextPageToken };
}
