/**
 * runs/search over LatestMetricsIndex, for the searches SQL answers slowest: those whose filter
 * or order names a metric, and nothing but metrics (and start_time in the order). Same semantics
 * as the file engine's searchRuns and runSearchSql — the predicates and comparisons are the
 * search package's own (numberPredicate, compareValues, compareByDefaultOrder); runs lacking a
 * filtered metric never match, runs lacking an ordered one sort last, NaN just before them.
 */
import type { ViewType } from '@lablog/schema';
import type { RunClause } from '../../search/filterParser.js';
import { firstSorted } from '../../search/firstSorted.js';
import { compareByDefaultOrder, compareValues, type OrderTerm, type SortValue } from '../../search/orderBy.js';
import { numberPredicate } from '../../search/predicates.js';
import { inView } from '../../search/searchRuns.js';
import type { ExperimentRuns } from './LatestMetricsIndex.js';

/** A search the index can answer. */
export interface IndexedSearch {
  clauses: readonly RunClause[];
  order: readonly OrderTerm[];
  viewType: ViewType;
  offset: number;
  /** Runs to return (one past the page tells whether another follows). */
  limit: number;
}

/**
 * True when the index answers this search better than SQL: something names a metric, and the
 * filter names only metrics and the order only metrics and start_time.
 */
export function indexAnswers(clauses: readonly RunClause[], order: readonly OrderTerm[]): boolean {
  const metricNamed = clauses.length > 0 || order.some((t) => t.entity === 'metric');
  return (
    metricNamed &&
    clauses.every((c) => c.entity === 'metric') &&
    order.every((t) => t.entity === 'metric' || (t.entity === 'attribute' && t.key === 'start_time'))
  );
}

/** Calls `visit` with every run of `experiments` in the view that passes every (metric) clause. */
function eachMatch(experiments: readonly ExperimentRuns[], clauses: readonly RunClause[], viewType: ViewType, visit: (runs: ExperimentRuns, slot: number) => void): void {
  const tests = clauses.map((c) => ({ key: c.key, test: numberPredicate((c as Extract<RunClause, { entity: 'metric' }>).test) }));
  for (const runs of experiments) {
    const columns = tests.map((t) => runs.metrics.get(t.key)?.value);
    const n = runs.runIds.length;
    next: for (let slot = 0; slot < n; slot++) {
      if (!inView(runs.lifecycles[slot]!, viewType)) continue;
      for (let i = 0; i < tests.length; i++) {
        const v = columns[i]?.[slot];
        if (v === undefined || !tests[i]!.test(v)) continue next;
      }
      visit(runs, slot);
    }
  }
}

/** How many runs of `experiments` in the view pass every clause (all metric clauses: see indexAnswers). */
export function indexedRunCount(experiments: readonly ExperimentRuns[], clauses: readonly RunClause[], viewType: ViewType): number {
  let n = 0;
  eachMatch(experiments, clauses, viewType, () => n++);
  return n;
}

/** The run ids of the page `search` asks for, in order, over the runs of several experiments. */
export function indexedRunSearch(experiments: readonly ExperimentRuns[], search: IndexedSearch): string[] {
  const terms = search.order;
  const m = terms.length;
  // each match's sort keys read once, into one flat array, as the file engine's runSorter does
  const keys: SortValue[] = [];
  const starts: number[] = [];
  const ids: string[] = [];
  let columnsOf: ExperimentRuns | undefined;
  let ordered: Array<readonly (number | undefined)[] | undefined> = [];
  eachMatch(experiments, search.clauses, search.viewType, (runs, slot) => {
    if (runs !== columnsOf) {
      columnsOf = runs;
      ordered = terms.map((t) => (t.entity === 'metric' ? runs.metrics.get(t.key)?.value : runs.startTimes));
    }
    for (let t = 0; t < m; t++) keys.push(ordered[t]?.[slot]);
    starts.push(runs.startTimes[slot]!);
    ids.push(runs.runIds[slot]!);
  });
  const compare = (a: number, b: number): number => {
    for (let t = 0; t < m; t++) {
      const c = compareValues(keys[a * m + t], keys[b * m + t], terms[t]!.ascending);
      if (c !== 0) return c;
    }
    return compareByDefaultOrder(starts[a]!, ids[a]!, starts[b]!, ids[b]!);
  };
  const order = Array.from({ length: ids.length }, (_, i) => i);
  return firstSorted(order, compare, search.offset + search.limit)
    .slice(search.offset)
    .map((i) => ids[i]!);
}
