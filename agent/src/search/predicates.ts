/**
 * Compiles the value test of a parsed clause into a predicate over the left-hand value, once
 * per clause, so that matching thousands of runs does no parsing or regex building.
 */
import type { ListTest, NumberTest, StringTest } from './filterParser.js';
import { compileLike } from './like.js';

/**
 * A predicate for `<number> <op> test.value`. Comparisons follow IEEE 754 like MLflow's
 * Python: anything involving NaN is false, except `!=`, which is true.
 */
export function numberPredicate(test: NumberTest): (lhs: number) => boolean {
  const v = test.value;
  switch (test.op) {
    case '>':
      return (lhs) => lhs > v;
    case '>=':
      return (lhs) => lhs >= v;
    case '<':
      return (lhs) => lhs < v;
    case '<=':
      return (lhs) => lhs <= v;
    case '=':
      return (lhs) => lhs === v;
    case '!=':
      return (lhs) => lhs !== v;
  }
}

/** A predicate for `<string> <op> test.value(s)`: exact (case-sensitive) `=`/`!=`/IN, LIKE, ILIKE. */
export function stringPredicate(test: StringTest | ListTest): (lhs: string) => boolean {
  if (test.type === 'list') {
    const values = new Set(test.values);
    return test.op === 'IN' ? (lhs) => values.has(lhs) : (lhs) => !values.has(lhs);
  }
  const v = test.value;
  switch (test.op) {
    case '=':
      return (lhs) => lhs === v;
    case '!=':
      return (lhs) => lhs !== v;
    case 'LIKE':
      return compileLike(v, false);
    case 'ILIKE':
      return compileLike(v, true);
  }
}

/** `record[key]` when `record` itself has `key`; never a value inherited from Object.prototype. */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
