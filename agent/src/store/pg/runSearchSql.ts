/**
 * runs/search compiled to SQL: the filter grammar's AST (search/filterParser) and the order_by
 * terms (search/orderBy) become WHERE and ORDER BY over `runs` (split in two index walks when the
 * first term is a metric: splitRunSearch), with MLflow's semantics
 * as the file engine has them: a run lacking the metric, param or tag a clause names never
 * matches (not even `!=`); a NaN metric compares false (but `!=`); runs lacking an order_by key
 * sort last in either direction, NaN metrics just before them; then start_time DESC, run_id.
 * LIKE has no escape character. Strings compare by code point (`COLLATE "C"`).
 */
import type { ViewType } from '@lablog/schema';
import type { RunClause } from '../../search/filterParser.js';
import type { OrderTerm } from '../../search/orderBy.js';
import { numberTest, SqlParams, stringTest, type Sql } from './sqlTests.js';

/** Run columns a filter or order_by attribute may name. */
const RUN_COLUMNS = new Set(['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage', 'start_time', 'end_time', 'experiment_id']);

function column(key: string): string {
  if (!RUN_COLUMNS.has(key)) throw new Error(`runSearchSql: unknown run attribute ${key}`);
  return `r.${key}`;
}

function clauseSql(c: RunClause, p: SqlParams): string {
  switch (c.entity) {
    case 'metric':
      return `EXISTS (SELECT 1 FROM latest_metrics m WHERE m.rid = r.rid AND m.key = ${p.add(c.key)} AND ${numberTest('m.value', c.test, p, true)})`;
    case 'param':
    case 'tag': {
      const col = c.entity === 'param' ? 'r.params' : 'r.tags';
      const k = p.add(c.key);
      return `(${col} ? ${k} AND ${stringTest(`(${col} ->> ${k})`, c.test, p)})`;
    }
    case 'attribute':
      if (c.test.type === 'number') return numberTest(column(c.key), c.test, p, false);
      return stringTest(column(c.key), c.test, p);
    case 'dataset':
      if (c.key === 'context') {
        return `EXISTS (SELECT 1 FROM jsonb_array_elements(r.inputs) i, jsonb_array_elements(coalesce(i->'tags', '[]'::jsonb)) t WHERE t->>'key' = 'mlflow.data.context' AND ${stringTest("(t->>'value')", c.test, p)})`;
      }
      return `EXISTS (SELECT 1 FROM jsonb_array_elements(r.inputs) i WHERE ${stringTest(`(i->'dataset'->>${p.add(c.key)})`, c.test, p)})`;
  }
}

/** ORDER BY items and the joins they need for one order_by term. */
function orderSql(t: OrderTerm, i: number, p: SqlParams): { join: string; order: string } {
  const dir = t.ascending ? 'ASC' : 'DESC';
  switch (t.entity) {
    case 'metric': {
      const a = `o${i}`;
      return {
        join: `LEFT JOIN latest_metrics ${a} ON ${a}.rid = r.rid AND ${a}.key = ${p.add(t.key)}`,
        order: `(${a}.value IS NULL), ${nanOrder(a, t.ascending)}`,
      };
    }
    case 'param':
    case 'tag': {
      const col = t.entity === 'param' ? 'r.params' : 'r.tags';
      const k = p.add(t.key);
      return { join: '', order: `(${col} ? ${k}) DESC, (${col} ->> ${k}) COLLATE "C" ${dir}` };
    }
    case 'attribute': {
      const col = column(t.key);
      const text = t.key !== 'start_time' && t.key !== 'end_time';
      return { join: '', order: `(${col} IS NULL), ${col}${text ? ' COLLATE "C"' : ''} ${dir}` };
    }
  }
}

/**
 * A present metric's sort keys: numbers in the term's direction, NaN after them either way.
 * PostgreSQL sorts NaN above every number, so ascending is the column's own order and
 * descending puts NaN last first — the two orders the latest_metrics indexes hold.
 */
function nanOrder(alias: string, ascending: boolean): string {
  return ascending ? `${alias}.value ASC` : `(${alias}.value = 'NaN'::float8) ASC, ${alias}.value DESC`;
}

/** What to search: everything already checked (clauses parsed, page size and offset decoded). */
export interface RunSearchSpec {
  experimentIds: readonly string[];
  clauses: readonly RunClause[];
  order: readonly OrderTerm[];
  viewType: ViewType;
  offset: number;
  /** Rows to fetch (one past the page tells whether another follows). */
  limit: number;
}

/** WHERE conditions of the runs `spec` selects (alias `r`). */
function conditions(spec: Pick<RunSearchSpec, 'experimentIds' | 'viewType' | 'clauses'>, p: SqlParams): string[] {
  const where: string[] = [];
  if (spec.experimentIds.length > 0) where.push(`r.experiment_id = ANY(${p.add([...spec.experimentIds])}::text[])`);
  if (spec.viewType === 'ACTIVE_ONLY') where.push(`r.lifecycle_stage = 'active'`);
  else if (spec.viewType === 'DELETED_ONLY') where.push(`r.lifecycle_stage = 'deleted'`);
  for (const c of spec.clauses) where.push(clauseSql(c, p));
  return where;
}

/** The joins and ORDER BY items of `terms` (numbered from `first`), then MLflow's default order. */
function ordering(terms: readonly OrderTerm[], first: number, p: SqlParams): { joins: string[]; order: string[] } {
  const joins: string[] = [];
  const order: string[] = [];
  terms.forEach((t, i) => {
    const o = orderSql(t, first + i, p);
    if (o.join) joins.push(o.join);
    order.push(o.order);
  });
  order.push('r.start_time DESC', 'r.run_id COLLATE "C" ASC');
  return { joins, order };
}

function where(conds: readonly string[]): string {
  return conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '';
}

/** The query counting the runs a search finds over all its pages. */
export function runCountSql(spec: Pick<RunSearchSpec, 'experimentIds' | 'viewType' | 'clauses'>): Sql {
  const p = new SqlParams();
  return { text: `SELECT count(*)::int8 AS n FROM runs r${where(conditions(spec, p))}`, values: p.values };
}

/** The query selecting the matching runs' `rid`s, in order, `limit` of them from `offset`. */
export function runSearchSql(spec: RunSearchSpec): Sql {
  const p = new SqlParams();
  const conds = conditions(spec, p);
  const { joins, order } = ordering(spec.order, 0, p);
  return { text: `SELECT r.rid FROM runs r ${joins.join(' ')}${where(conds)} ORDER BY ${order.join(', ')} LIMIT ${p.add(spec.limit)} OFFSET ${p.add(spec.offset)}`, values: p.values };
}

/**
 * A search whose first order_by term is a metric, in two parts that each read an index in order
 * instead of joining and sorting every run (what MLflow's search does): the runs that have the
 * metric, walked through latest_metrics' (experiment, key, value) index and stopped after the
 * page; then, once those run out, the runs that lack it (which sort last in either direction).
 * `present` and `absent` take the offset and limit as their last two placeholders; `countPresent`
 * tells where the absent part starts when a page begins past the present ones.
 */
export interface SplitSearch {
  present: (offset: number, limit: number) => Sql;
  countPresent: Sql;
  absent: (offset: number, limit: number) => Sql;
}

/** The split search of `spec`, or null when its first order_by term is not a metric. */
export function splitRunSearch(spec: RunSearchSpec): SplitSearch | null {
  const [first, ...rest] = spec.order;
  if (first?.entity !== 'metric') return null;
  const build = (part: 'present' | 'absent' | 'count', offset: number, limit: number): Sql => {
    const p = new SqlParams();
    const conds = conditions(spec, p);
    const key = p.add(first.key);
    const { joins, order } = ordering(rest, 1, p);
    if (part === 'absent') {
      conds.push(`NOT EXISTS (SELECT 1 FROM latest_metrics o0 WHERE o0.rid = r.rid AND o0.key = ${key})`);
      return { text: `SELECT r.rid FROM runs r ${joins.join(' ')}${where(conds)} ORDER BY ${order.join(', ')} LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`, values: p.values };
    }
    // the same experiments on the metric's side, so its index's leading column narrows the walk
    // (one experiment as `=`: PostgreSQL 15 reads `= ANY` out of the index's order)
    const ids = spec.experimentIds;
    const exps = ids.length === 1 ? ` AND o0.experiment_id = ${p.add(ids[0])}` : ids.length > 1 ? ` AND o0.experiment_id = ANY(${p.add([...ids])}::text[])` : '';
    const from = `FROM latest_metrics o0 JOIN runs r ON r.rid = o0.rid ${joins.join(' ')}`;
    conds.unshift(`o0.key = ${key}${exps}`);
    if (part === 'count') return { text: `SELECT count(*)::int8 AS n ${from}${where(conds)}`, values: p.values };
    return {
      text: `SELECT r.rid ${from}${where(conds)} ORDER BY ${nanOrder('o0', first.ascending)}, ${order.join(', ')} LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`,
      values: p.values,
    };
  };
  return { present: (o, l) => build('present', o, l), countPresent: build('count', 0, 0), absent: (o, l) => build('absent', o, l) };
}
