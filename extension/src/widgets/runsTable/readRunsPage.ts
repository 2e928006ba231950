/**
 * One read of the runs table: the typed filter is checked first (a mistake then costs no failed
 * request, which a browser logs as a console error; plain words come back as a run-name search,
 * with a note saying so), then the page is searched with the filter the agent returned.
 */
import type { Page, Queries, SearchRunsOptions } from '@lablog/client';
import type { FilterCheckReply, FilterKey, WireRun } from '@lablog/schema';
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

/** Filter checks remembered, at most. */
const CHECKS_KEPT = 32;

/**
 * The agent's answers about run filters, remembered: a check depends on the text alone, and a
 * table reads its page again and again with the same filter (the next page, another order, live
 * changes) — each a round trip before the search, behind whatever the agent was doing.
 */
export class FilterChecks {
  private readonly known = new Map<string, FilterCheckReply>();

  constructor(private readonly query: Queries) {}

  /** The agent's check of a run filter. @throws RequestError when the agent cannot be asked */
  async check(filter: string): Promise<FilterCheckReply> {
    const known = this.known.get(filter);
    if (known) return known;
    const reply = await this.query.checkFilter('runs', filter);
    this.known.set(filter, reply);
    if (this.known.size > CHECKS_KEPT) this.known.delete(this.known.keys().next().value!);
    return reply;
  }
}

/**
 * Reads one page of runs.
 * @param checks where the filter is checked (and the answers remembered)
 * @throws FilterRefused for a filter the agent refuses (its message and hint); RequestError otherwise
 */
export async function readRunsPage(query: Queries, checks: FilterChecks, search: SearchRunsOptions): Promise<RunsRead> {
  let { filter } = search;
  let note: string | null = null;
  let keys: FilterKey[] = [];
  if (filter) {
    const check = await checks.check(filter);
    if (!check.valid) throw new FilterRefused(check.message, check.hint);
    filter = check.filter ?? filter;
    note = check.note ?? null;
    keys = check.keys ?? [];
  }
  const page = await query.searchRuns({ ...search, filter });
  return { page, filter, note, keys };
}
