/**
 * Search orders and counts of an experiment's runs, kept while its runs stay the same. Part of
 * the file engine (`FileTrackingStore` makes one). A runs table over 100,000 runs searches the
 * same experiment in the same order again and again (a filter, the next page, the order turned
 * back); sorting every time cost most of each request. An order is kept from the second search
 * that asks for it with nothing changed in between, so an experiment whose runs change between
 * every two searches (training under way) is searched as before and never pays for a full sort
 * it would throw away. Whether anything changed is `RunTable.version`, moved at the moment a
 * change becomes visible, so a kept order is never used across a change.
 */
import type { RunDoc } from './records.js';
import type { SortedRunSource } from '../search/searchRuns.js';
import type { StoredRun } from './StoredRun.js';

/** Runs held by kept orders, all experiments together, by default: ~8 orders of 100,000 runs (8 bytes each). */
export const SORTED_RUNS_BUDGET = 800_000;

/** Orders (kept or asked for once) and counts remembered, at most. */
const ENTRIES = 64;

/** An experiment's runs and their count of changes (`FileStore.runsOfExperiment`). */
export type ExperimentRuns = (experimentId: string) => { runs: readonly StoredRun[]; version: number };

interface Kept {
  version: number;
  /** null: asked for once in this version, not sorted yet. */
  runs: readonly StoredRun[] | null;
}

/** Kept search orders and counts, bounded. */
export class SortedRuns {
  // Maps iterate in insertion order: re-inserting on use keeps the least recent first
  private readonly orders = new Map<string, Kept>();
  private readonly counts = new Map<string, { version: number; count: number }>();
  private held = 0;

  /**
   * @param experiment reads an experiment's runs and version
   * @param budget runs held by kept orders at most, all together (default SORTED_RUNS_BUDGET);
   *   an order larger than the budget is not kept
   */
  constructor(
    private readonly experiment: ExperimentRuns,
    private readonly budget = SORTED_RUNS_BUDGET,
  ) {}

  /** The source of sorted runs of one experiment, for `searchRunsWith`. */
  source(experimentId: string): SortedRunSource {
    return (orderKey, sortIndexes) => this.sorted(experimentId, orderKey, sortIndexes);
  }

  private sorted(experimentId: string, orderKey: string, sortIndexes: (runs: readonly RunDoc[]) => number[]): readonly StoredRun[] | undefined {
    const { runs, version } = this.experiment(experimentId);
    const key = `${experimentId}\n${orderKey}`;
    const kept = this.orders.get(key);
    if (kept) this.drop(key, kept);
    if (kept?.version === version && kept.runs) {
      this.orders.set(key, kept);
      return kept.runs;
    }
    // first asked for since the runs changed: searched as before; asked again unchanged: kept
    if (kept?.version !== version || runs.length > this.budget) {
      this.orders.set(key, { version, runs: null });
      this.evict();
      return undefined;
    }
    const docs = runs.map((r) => r.doc);
    const sorted = sortIndexes(docs).map((i) => runs[i]!);
    this.orders.set(key, { version, runs: sorted });
    this.held += sorted.length;
    this.evict();
    return sorted;
  }

  private drop(key: string, kept: Kept): void {
    this.orders.delete(key);
    this.held -= kept.runs?.length ?? 0;
  }

  private evict(): void {
    for (const [key, kept] of this.orders) {
      if (this.held <= this.budget && this.orders.size <= ENTRIES) return;
      this.drop(key, kept);
    }
  }

  /**
   * How many runs a count over one experiment finds: from `count` when the runs or the question
   * changed, else the number found last time.
   * @param question names what is counted (the filter and view type)
   */
  count(experimentId: string, question: string, count: () => number): number {
    const version = this.experiment(experimentId).version;
    const key = `${experimentId}\n${question}`;
    const known = this.counts.get(key);
    this.counts.delete(key);
    const n = known?.version === version ? known.count : count();
    this.counts.set(key, { version, count: n });
    if (this.counts.size > ENTRIES) this.counts.delete(this.counts.keys().next().value!);
    return n;
  }
}
