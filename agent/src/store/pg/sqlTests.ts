/**
 * Pieces the SQL searches share: numbered placeholders and the filter grammar's comparisons with
 * MLflow's semantics (see search/filterParser), used by runs/search and experiments/search.
 */
import type { ListTest, NumberTest, StringTest } from '../../search/filterParser.js';

/** One SQL statement and its values. */
export interface Sql {
  text: string;
  values: unknown[];
}

/** Placeholders and their values, numbered in the order they are added. */
export class SqlParams {
  readonly values: unknown[] = [];
  /** The placeholder of `v`. */
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** `lhs <op> value` for numbers; with `nanPossible`, NaN compares false (but `!=`), as in Python. */
export function numberTest(lhs: string, t: NumberTest, p: SqlParams, nanPossible: boolean): string {
  const cmp = `${lhs} ${t.op === '!=' ? '<>' : t.op} ${p.add(t.value)}::float8`;
  // PostgreSQL orders NaN above every number and equal to itself; Python compares it false
  if (!nanPossible) return cmp;
  return t.op === '!=' ? cmp : `(${cmp} AND ${lhs} <> 'NaN'::float8)`;
}

/** `lhs <op> value` for strings and lists; LIKE and ILIKE with no escape character, as MLflow's file store. */
export function stringTest(lhs: string, t: StringTest | ListTest, p: SqlParams): string {
  if (t.type === 'list') return t.op === 'IN' ? `${lhs} = ANY(${p.add(t.values)}::text[])` : `${lhs} <> ALL(${p.add(t.values)}::text[])`;
  switch (t.op) {
    case '=':
      return `${lhs} = ${p.add(t.value)}`;
    case '!=':
      return `${lhs} <> ${p.add(t.value)}`;
    case 'LIKE':
      return `${lhs} LIKE ${p.add(t.value)} ESCAPE ''`;
    case 'ILIKE':
      return `${lhs} ILIKE ${p.add(t.value)} ESCAPE ''`;
  }
}
