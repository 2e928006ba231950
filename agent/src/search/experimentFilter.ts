/**
 * Evaluates parsed experiment filter clauses, as MLflow's
 * `SearchExperimentsUtils._does_experiment_match_clause`: an experiment without the tag a
 * clause names never matches that clause.
 */
import type { ExperimentRecord } from '../store/records.js';
import type { ExperimentClause } from './filterParser.js';
import { numberPredicate, own, stringPredicate } from './predicates.js';

/** A compiled filter: true when the experiment satisfies every clause. */
export type ExperimentPredicate = (experiment: ExperimentRecord) => boolean;

function compileClause(clause: ExperimentClause): ExperimentPredicate {
  if (clause.entity === 'tag') {
    const key = clause.key;
    const test = stringPredicate(clause.test);
    return (experiment) => {
      const value = own(experiment.tags, key);
      return value !== undefined && test(value);
    };
  }
  if (clause.test.type === 'number') {
    const test = numberPredicate(clause.test);
    const field = clause.key as 'creation_time' | 'last_update_time';
    return (experiment) => test(experiment[field]);
  }
  const test = stringPredicate(clause.test);
  return (experiment) => test(experiment.name);
}

/**
 * Compiles filter clauses once into a predicate over experiments.
 * @param clauses from `parseFilter(filter, 'experiment')`; none means every experiment matches.
 */
export function compileExperimentFilter(clauses: readonly ExperimentClause[]): ExperimentPredicate {
  const predicates = clauses.map(compileClause);
  return (experiment) => predicates.every((p) => p(experiment));
}
