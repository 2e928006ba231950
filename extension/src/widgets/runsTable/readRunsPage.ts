/**
 * One read of the runs table: the typed filter is checked first (a mistake then costs no failed
 * request, which a browser logs as a console error; plain words come back as a run-name search,
 * with a note saying so), then the page is searched with the filter the agent returned.
 */
import type { Page, Queries, SearchRunsOptions } from '@lablog/client';
import type { FilterKey, WireRun } from '@lablog/schema';
import { FilterRefused } from './FilterBox.js';

/** What a read found, and how the filter was read. */
export interface RunsRead {
  page: Page<WireRun>;
  /** The filter searched with (a name search for plain words). */
  filter: string | undefined;
  /** Said under the filter box (plain words were read as a name search). */
  note: string | null;
  /** The metric, param and tag keys the filter names. */
  keys: FilterKey[];
}

/**
 * Reads one page of runs.
 * @throws FilterRefused for a filter the agent refuses (its message and hint); RequestError otherwise
 */
export async function readRunsPage(query: Queries, search: SearchRunsOptions): Promise<RunsRead> {
  let { filter } = search;
  let note: string | null = null;
  let keys: FilterKey[] = [];
  if (filter) {
    const check = await query.checkFilter('runs', filter);
    if (!check.valid) throw new FilterRefused(check.message, check.hint);
    filter = check.filter ?? filter;
    note = check.note ?? null;
    keys = check.keys ?? [];
  }
  const page = await query.searchRuns({ ...search, filter });
  return { page, filter, note, keys };
}
