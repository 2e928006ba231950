/**
 * Evaluates parsed filter clauses against runs, with the semantics of MLflow's
 * `SearchUtils._does_run_match_clause`: a run that lacks the metric, param or tag a clause
 * names never matches that clause, not even `!=`.
 */
import type { RunDoc } from '../store/records.js';
import type { RunClause } from './filterParser.js';
import { numberPredicate, own, stringPredicate } from './predicates.js';

/** A compiled filter: true when the run satisfies every clause. */
export type RunPredicate = (doc: RunDoc) => boolean;

const DATASET_CONTEXT_TAG = 'mlflow.data.context';

function compileClause(clause: RunClause): RunPredicate {
  const key = clause.key;
  switch (clause.entity) {
    case 'metric': {
      const test = numberPredicate(clause.test);
      return (doc) => {
        const metric = own(doc.latest_metrics, key);
        return metric !== undefined && test(metric.value);
      };
    }
    case 'param': {
      const test = stringPredicate(clause.test);
      return (doc) => {
        const value = own(doc.params, key);
        return value !== undefined && test(value);
      };
    }
    case 'tag': {
      const test = stringPredicate(clause.test);
      return (doc) => {
        const value = own(doc.tags, key);
        return value !== undefined && test(value);
      };
    }
    case 'attribute': {
      if (clause.test.type === 'number') {
        const test = numberPredicate(clause.test);
        const field = clause.key as 'start_time' | 'end_time';
        // end_time is null while the run is going: like a missing key, it matches nothing.
        return (doc) => {
          const value = doc.info[field];
          return value !== null && test(value);
        };
      }
      const test = stringPredicate(clause.test);
      const field = clause.key as Exclude<typeof clause.key, 'start_time' | 'end_time'>;
      return (doc) => test(doc.info[field]);
    }
    case 'dataset': {
      const test = stringPredicate(clause.test);
      // A run matches when any of its inputs does; a run without inputs matches nothing.
      if (key === 'context') {
        return (doc) =>
          doc.inputs.some((input) => input.tags?.some((tag) => tag.key === DATASET_CONTEXT_TAG && test(tag.value)) ?? false);
      }
      const field = key as 'name' | 'digest';
      return (doc) => doc.inputs.some((input) => test(input.dataset[field]));
    }
  }
}

/**
 * Compiles filter clauses once into a predicate over runs.
 * @param clauses from `parseFilter(filter, 'run')`; none means every run matches.
 */
export function compileRunFilter(clauses: readonly RunClause[]): RunPredicate {
  const predicates = clauses.map(compileClause);
  if (predicates.length === 0) return () => true;
  if (predicates.length === 1) return predicates[0] as RunPredicate;
  return (doc) => predicates.every((p) => p(doc));
}

const compiled = new WeakMap<readonly RunClause[], RunPredicate>();

/**
 * Tells whether a run satisfies every clause. The clauses are compiled on first use and the
 * compiled form is cached for the same array, so calling this in a loop is cheap.
 * @param clauses from `parseFilter(filter, 'run')`.
 */
export function matchesRun(doc: RunDoc, clauses: readonly RunClause[]): boolean {
  let predicate = compiled.get(clauses);
  if (predicate === undefined) {
    predicate = compileRunFilter(clauses);
    compiled.set(clauses, predicate);
  }
  return predicate(doc);
}
