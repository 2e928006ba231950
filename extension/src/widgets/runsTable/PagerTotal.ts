/**
 * The pager's total: how many runs the table's search finds over all its pages, counted by the
 * agent (`runs/count`) after the page is drawn, so it never holds the page up. A count is a pass
 * over every run of the experiment, so it is made again only when the runs searched changed
 * (experiment, filter, view: the pager forgets its total then), or at most every `RECOUNT_MS`
 * while live changes make the page read again; in between, live runs added to the page move the
 * total by themselves (Pager.recount).
 */
import type { Queries, ViewType } from '@lablog/client';
import type { Pager } from './Pager.js';

/** How often the pager's total is counted again while the same runs are searched (ms). */
const RECOUNT_MS = 5000;

/** What a count counts: the runs of a search, over all its pages. */
export interface CountedSearch {
  experimentId: string;
  filter: string | undefined;
  viewType: ViewType;
}

/** Keeps a pager's total. */
export class PagerTotal {
  /** What the last count counted, and when. */
  private counted = { key: '', at: 0 };

  constructor(
    private readonly query: Queries,
    private readonly pager: Pager,
  ) {}

  /**
   * Counts the runs of `search` for the pager, unless its total is known and recent.
   * @param current whether the read that asked is still the one shown when the count comes back
   */
  async count(search: CountedSearch, current: () => boolean): Promise<void> {
    const key = JSON.stringify([search.experimentId, search.filter ?? '', search.viewType]);
    const now = performance.now();
    if (this.pager.hasTotal && key === this.counted.key && now - this.counted.at < RECOUNT_MS) return;
    this.counted = { key, at: now };
    try {
      const total = await this.query.countRuns({ experimentIds: [search.experimentId], filter: search.filter, viewType: search.viewType });
      if (current()) this.pager.setTotal(total);
    } catch {
      // the total is a nicety: the pager pages without it
    }
  }
}
