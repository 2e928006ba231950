/**
 * Search orders and counts of an experiment's runs, kept and followed as its runs change. Part of
 * the file engine (`FileTrackingStore` makes one). A runs table over 100,000 runs searches the
 * same experiment in the same order again and again (a filter, the next page, the order turned
 * back, a read after live changes); sorting every time cost most of each request.
 *
 * An order is kept from the second search that asks for it with nothing changed in between (a
 * full sort costs about twice the partial one a single search needs). The run table tells of every
 * run added or changed as the change becomes visible (`RunTable.watch`, with `RunTable.version`);
 * a kept order notes those runs, and the next search that uses it takes them out and puts them
 * back where they now belong (a binary search each), which costs a few comparisons per changed run
 * instead of a sort of them all. When more runs changed than that is worth, the order is dropped.
 * A count is kept only while nothing changed.
 */
import type { RunDoc } from './records.js';
import type { RunTable } from './RunTable.js';
import type { SortedRunSource } from '../search/searchRuns.js';
import type { StoredRun } from './StoredRun.js';

/** Runs held by kept orders, all experiments together, by default: ~8 orders of 100,000 runs (8 bytes each). */
export const SORTED_RUNS_BUDGET = 800_000;

/** Orders (kept or asked for once) and counts remembered, at most. */
const ENTRIES = 64;

/** A kept order follows at most this share of its runs changed between two searches (and 64 always). */
const REPAIR_SHARE = 1 / 64;

interface Kept {
  experimentId: string;
  /** `RunTable.version` of the experiment the order is right for. */
  version: number;
  /** null: asked for once in this version, not sorted yet. */
  runs: StoredRun[] | null;
  /** Runs added or changed since `version`; null: too many, the order cannot be repaired. */
  changed: Set<StoredRun> | null;
}

/** Changed runs moved in place in a kept order; more are merged in one pass. */
const FEW = 16;

/** The first place at or after `from` in the sorted `runs` whose run sorts after `run` (a binary search). */
function placeOf(runs: readonly StoredRun[], run: StoredRun, compare: (a: RunDoc, b: RunDoc) => number, from: number): number {
  let lo = from;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(runs[mid]!.doc, run.doc) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Kept search orders and counts, bounded. */
export class SortedRuns {
  // Maps iterate in insertion order: re-inserting on use keeps the least recent first
  private readonly orders = new Map<string, Kept>();
  /** The kept orders (with runs) of each experiment, which its changes go to. */
  private readonly following = new Map<string, Set<Kept>>();
  private readonly counts = new Map<string, { version: number; count: number }>();
  private held = 0;

  /**
   * @param table the runs, their versions and changes
   * @param budget runs held by kept orders at most, all together (default SORTED_RUNS_BUDGET);
   *   an order larger than the budget is not kept
   */
  constructor(
    private readonly table: RunTable,
    private readonly budget = SORTED_RUNS_BUDGET,
  ) {
    table.watch((experimentId, run) => {
      for (const kept of this.following.get(experimentId) ?? []) {
        if (!kept.changed) continue;
        if (kept.changed.size >= Math.max(64, kept.runs!.length * REPAIR_SHARE)) kept.changed = null;
        else kept.changed.add(run);
      }
    });
  }

  /** The source of sorted runs of one experiment, for `searchRunsWith`. */
  source(experimentId: string): SortedRunSource {
    return (orderKey, sortIndexes, compare) => this.sorted(experimentId, orderKey, sortIndexes, compare);
  }

  private sorted(experimentId: string, orderKey: string, sortIndexes: (runs: readonly RunDoc[]) => number[], compare: (a: RunDoc, b: RunDoc) => number): readonly StoredRun[] | undefined {
    const runs = this.table.ofExperiment(experimentId);
    const version = this.table.version(experimentId);
    const key = `${experimentId}\n${orderKey}`;
    const kept = this.orders.get(key);
    if (kept) this.drop(key, kept);
    if (kept?.runs && kept.version !== version && kept.changed) this.repair(kept, compare, version);
    if (kept?.runs && kept.version === version) {
      this.keep(key, kept);
      return kept.runs;
    }
    // first asked for since the runs changed: searched as before; asked again unchanged: kept
    if (kept?.version !== version || runs.length > this.budget) {
      this.keep(key, { experimentId, version, runs: null, changed: null });
      return undefined;
    }
    const docs = runs.map((r) => r.doc);
    const sorted = sortIndexes(docs).map((i) => runs[i]!);
    this.keep(key, { experimentId, version, runs: sorted, changed: new Set() });
    return sorted;
  }

  /**
   * Brings a kept order up to `version`: the runs that changed are taken out, and those still in
   * the experiment go back in where `compare` puts them now. The others kept their values, so
   * they are still in order.
   */
  private repair(kept: Kept, compare: (a: RunDoc, b: RunDoc) => number, version: number): void {
    const changed = kept.changed!;
    const back = [...changed].filter((r) => this.table.holds(r) && r.doc.info.experiment_id === kept.experimentId).sort((a, b) => compare(a.doc, b.doc));
    kept.version = version;
    kept.changed = new Set();
    // a few runs (a run logging, between two reads of the page): found and moved in place, which
    // costs a scan of references each, not a pass over the runs
    if (changed.size <= FEW) {
      const runs = kept.runs!;
      for (const run of changed) {
        const i = runs.indexOf(run);
        if (i >= 0) runs.splice(i, 1);
      }
      for (const run of back) runs.splice(placeOf(runs, run, compare, 0), 0, run);
      return;
    }
    const rest = kept.runs!.filter((r) => !changed.has(r));
    const out: StoredRun[] = new Array(rest.length + back.length);
    let from = 0;
    let o = 0;
    for (const run of back) {
      const at = placeOf(rest, run, compare, from);
      while (from < at) out[o++] = rest[from++]!;
      out[o++] = run;
    }
    while (from < rest.length) out[o++] = rest[from++]!;
    kept.runs = out;
  }

  private keep(key: string, kept: Kept): void {
    this.orders.set(key, kept);
    if (kept.runs) {
      this.held += kept.runs.length;
      let set = this.following.get(kept.experimentId);
      if (!set) this.following.set(kept.experimentId, (set = new Set()));
      set.add(kept);
    }
    for (const [k, old] of this.orders) {
      if (this.held <= this.budget && this.orders.size <= ENTRIES) return;
      this.drop(k, old);
    }
  }

  private drop(key: string, kept: Kept): void {
    this.orders.delete(key);
    if (!kept.runs) return;
    this.held -= kept.runs.length;
    const set = this.following.get(kept.experimentId)!;
    set.delete(kept);
    if (set.size === 0) this.following.delete(kept.experimentId);
  }

  /**
   * How many runs a count over one experiment finds: from `count` when the runs or the question
   * changed, else the number found last time.
   * @param question names what is counted (the filter and view type)
   */
  count(experimentId: string, question: string, count: () => number): number {
    const version = this.table.version(experimentId);
    const key = `${experimentId}\n${question}`;
    const known = this.counts.get(key);
    this.counts.delete(key);
    const n = known?.version === version ? known.count : count();
    this.counts.set(key, { version, count: n });
    if (this.counts.size > ENTRIES) this.counts.delete(this.counts.keys().next().value!);
    return n;
  }
}
