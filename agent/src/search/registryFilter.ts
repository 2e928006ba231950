/**
 * Evaluates parsed registry filter clauses, as MLflow's `SearchModelUtils` and
 * `SearchModelVersionUtils` do: a model or version without the tag a clause names never
 * matches that clause, not even `!=`.
 */
import type { RegisteredModelRecord, VersionOf } from '../registry/registryRecords.js';
import type { ModelVersionClause, RegisteredModelClause, StringTest } from './filterParser.js';
import { numberPredicate, own, stringPredicate } from './predicates.js';

/** A compiled registered-models filter: true when the model satisfies every clause. */
export type RegisteredModelPredicate = (model: RegisteredModelRecord) => boolean;
/** A compiled model-versions filter: true when the version satisfies every clause. */
export type ModelVersionPredicate = (v: VersionOf) => boolean;

function tagPredicate(key: string, clause: StringTest): (tags: Record<string, string>) => boolean {
  const test = stringPredicate(clause);
  return (tags) => {
    const value = own(tags, key);
    return value !== undefined && test(value);
  };
}

function compileModelClause(clause: RegisteredModelClause): RegisteredModelPredicate {
  if (clause.entity === 'tag') {
    const test = tagPredicate(clause.key, clause.test);
    return (model) => test(model.tags);
  }
  const test = stringPredicate(clause.test);
  return (model) => test(model.name);
}

function compileVersionClause(clause: ModelVersionClause): ModelVersionPredicate {
  if (clause.entity === 'tag') {
    const test = tagPredicate(clause.key, clause.test);
    return (v) => test(v.version.tags);
  }
  if (clause.test.type === 'number') {
    const test = numberPredicate(clause.test);
    return (v) => test(v.version.version);
  }
  const test = stringPredicate(clause.test);
  switch (clause.key) {
    case 'name':
      return (v) => test(v.model.name);
    case 'run_id':
      return (v) => test(v.version.run_id);
    default:
      return (v) => test(v.version.source);
  }
}

/**
 * Compiles registered-models filter clauses once into a predicate.
 * @param clauses from `parseFilter(filter, 'registered_model')`; none means every model matches.
 */
export function compileRegisteredModelFilter(clauses: readonly RegisteredModelClause[]): RegisteredModelPredicate {
  const predicates = clauses.map(compileModelClause);
  return (model) => predicates.every((p) => p(model));
}

/**
 * Compiles model-versions filter clauses once into a predicate.
 * @param clauses from `parseFilter(filter, 'model_version')`; none means every version matches.
 */
export function compileModelVersionFilter(clauses: readonly ModelVersionClause[]): ModelVersionPredicate {
  const predicates = clauses.map(compileVersionClause);
  return (v) => predicates.every((p) => p(v));
}
