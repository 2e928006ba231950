/**
 * runs/search compiled to one SQL query: the filter grammar's AST (search/filterParser) and the
 * order_by terms (search/orderBy) become WHERE and ORDER BY over `runs`, with MLflow's semantics
 * as the file engine has them: a run lacking the metric, param or tag a clause names never
 * matches (not even `!=`); a NaN metric compares false (but `!=`); runs lacking an order_by key
 * sort last in either direction, NaN metrics just before them; then start_time DESC, run_id.
 * LIKE has no escape character. Strings compare by code point (`COLLATE "C"`).
 */
import type { ViewType } from '@lablog/schema';
import type { ListTest, NumberTest, RunClause, StringTest } from '../../search/filterParser.js';
import type { OrderTerm } from '../../search/orderBy.js';

/** Placeholders and their values, numbered in the order they are added. */
export class SqlParams {
  readonly values: unknown[] = [];
  /** The placeholder of `v`. */
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Run columns a filter or order_by attribute may name. */
const RUN_COLUMNS = new Set(['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage', 'start_time', 'end_time', 'experiment_id']);

function column(key: string): string {
  if (!RUN_COLUMNS.has(key)) throw new Error(`runSearchSql: unknown run attribute ${key}`);
  return `r.${key}`;
}

function numberTest(lhs: string, t: NumberTest, p: SqlParams, nanPossible: boolean): string {
  const cmp = `${lhs} ${t.op === '!=' ? '<>' : t.op} ${p.add(t.value)}::float8`;
  // PostgreSQL orders NaN above every number and equal to itself; Python compares it false
  if (!nanPossible) return cmp;
  return t.op === '!=' ? cmp : `(${cmp} AND ${lhs} <> 'NaN'::float8)`;
}

function stringTest(lhs: string, t: StringTest | ListTest, p: SqlParams): string {
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
        order: `(CASE WHEN ${a}.value IS NULL THEN 2 WHEN ${a}.value = 'NaN'::float8 THEN 1 ELSE 0 END), ${a}.value ${dir}`,
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

/** The WHERE conditions choosing the runs of a search (experiments, view, filter). */
function whereOf(spec: Pick<RunSearchSpec, 'experimentIds' | 'viewType' | 'clauses'>, p: SqlParams): string[] {
  const where: string[] = [];
  if (spec.experimentIds.length > 0) where.push(`r.experiment_id = ANY(${p.add([...spec.experimentIds])}::text[])`);
  if (spec.viewType === 'ACTIVE_ONLY') where.push(`r.lifecycle_stage = 'active'`);
  else if (spec.viewType === 'DELETED_ONLY') where.push(`r.lifecycle_stage = 'deleted'`);
  for (const c of spec.clauses) where.push(clauseSql(c, p));
  return where;
}

/** The query counting the runs a search finds over all its pages. */
export function runCountSql(spec: Pick<RunSearchSpec, 'experimentIds' | 'viewType' | 'clauses'>): { text: string; values: unknown[] } {
  const p = new SqlParams();
  const where = whereOf(spec, p);
  return { text: `SELECT count(*)::int8 AS n FROM runs r${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`, values: p.values };
}

/** The query selecting the matching runs' `rid`s, in order, for one page. */
export function runSearchSql(spec: RunSearchSpec): { text: string; values: unknown[] } {
  const p = new SqlParams();
  const where = whereOf(spec, p);
  const joins: string[] = [];
  const order: string[] = [];
  spec.order.forEach((t, i) => {
    const o = orderSql(t, i, p);
    if (o.join) joins.push(o.join);
    order.push(o.order);
  });
  order.push('r.start_time DESC', 'r.run_id COLLATE "C" ASC');
  const text =
    `SELECT r.rid FROM runs r ${joins.join(' ')}` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${order.join(', ')} LIMIT ${p.add(spec.limit)} OFFSET ${p.add(spec.offset)}`;
  return { text, values: p.values };
}
