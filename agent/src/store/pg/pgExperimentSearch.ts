/**
 * experiments/search on PostgreSQL, in SQL: the view, the filter (search/filterParser) and the
 * order (search/orderBy) become WHERE, ORDER BY, LIMIT and OFFSET over `experiments`, with the
 * semantics of the shared in-memory rules (searchExperiments): an experiment lacking the tag a
 * clause names never matches it; without order_by, `creation_time DESC, experiment_id ASC`; with
 * it, the terms then `experiment_id DESC` unless it is among them; names compare by code point;
 * experiment ids that are integers compare as numbers and before any other ids.
 */
import type pg from 'pg';
import type { ViewType } from '@lablog/schema';
import { parseFilter, type ExperimentClause } from '../../search/filterParser.js';
import { parseOrderBy, type OrderTerm } from '../../search/orderBy.js';
import { checkMaxResults, decodePageToken, encodePageToken } from '../../search/pageToken.js';
import type { ExperimentRecord } from '../records.js';
import type { Page, SearchRequest } from '../TrackingStore.js';
import { experimentRecord, type ExperimentRow } from './pgRows.js';
import { numberTest, SqlParams, stringTest, type Sql } from './sqlTests.js';

const DEFAULT_ORDER: readonly OrderTerm[] = [
  { entity: 'attribute', key: 'creation_time', ascending: false },
  { entity: 'attribute', key: 'experiment_id', ascending: true },
];

function clauseSql(c: ExperimentClause, p: SqlParams): string {
  if (c.entity === 'tag') {
    const k = p.add(c.key);
    return `(e.tags ? ${k} AND ${stringTest(`(e.tags ->> ${k})`, c.test, p)})`;
  }
  if (c.test.type === 'number') return numberTest(c.key === 'creation_time' ? 'e.creation_time' : 'e.last_update_time', c.test, p, false);
  return stringTest('e.name', c.test, p);
}

/** ORDER BY items of one term (ids: integers first and by value, then the others by code point). */
function orderSql(t: OrderTerm): string {
  const dir = t.ascending ? 'ASC' : 'DESC';
  switch (t.key) {
    case 'experiment_id': {
      const digits = `regexp_replace(e.experiment_id, '^0+(?=[0-9])', '')`;
      return [`(e.experiment_id !~ '^[0-9]+$') ${dir}`, `length(${digits}) ${dir}`, `${digits} COLLATE "C" ${dir}`, `e.experiment_id COLLATE "C" ${dir}`].join(', ');
    }
    case 'name':
      return `e.name COLLATE "C" ${dir}`;
    default:
      return `e.${t.key === 'creation_time' ? 'creation_time' : 'last_update_time'} ${dir}`;
  }
}

/** What to search, checked: clauses parsed, order terms resolved, page decoded. */
interface ExperimentSearchSpec {
  clauses: readonly ExperimentClause[];
  order: readonly OrderTerm[];
  viewType: ViewType;
  offset: number;
  limit: number;
}

/** The query selecting one page of matching experiments, in order. */
export function experimentSearchSql(spec: ExperimentSearchSpec): Sql {
  const p = new SqlParams();
  const where: string[] = [];
  if (spec.viewType === 'ACTIVE_ONLY') where.push(`e.lifecycle_stage = 'active'`);
  else if (spec.viewType === 'DELETED_ONLY') where.push(`e.lifecycle_stage = 'deleted'`);
  for (const c of spec.clauses) where.push(clauseSql(c, p));
  let terms = spec.order;
  if (terms.length === 0) terms = DEFAULT_ORDER;
  else if (!terms.some((t) => t.key === 'experiment_id')) terms = [...terms, { entity: 'attribute', key: 'experiment_id', ascending: false }];
  return {
    text: `SELECT * FROM experiments e${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${terms.map(orderSql).join(', ')} LIMIT ${p.add(spec.limit)} OFFSET ${p.add(spec.offset)}`,
    values: p.values,
  };
}

/**
 * Experiments in the view that match `req`, sorted, one page.
 * @throws INVALID_PARAMETER_VALUE for a bad filter, order_by, page size or token (before any query)
 */
export async function pgSearchExperiments(q: pg.Pool, req: SearchRequest): Promise<Page<ExperimentRecord>> {
  const size = checkMaxResults(req.maxResults);
  const offset = decodePageToken(req.pageToken);
  const clauses = parseFilter(req.filter, 'experiment');
  const order = (req.orderBy ?? []).map((o) => parseOrderBy(o, 'experiment'));
  const sql = experimentSearchSql({ clauses, order, viewType: req.viewType ?? 'ACTIVE_ONLY', offset, limit: size + 1 });
  const { rows } = await q.query<ExperimentRow>(sql.text, sql.values);
  const items = rows.slice(0, size).map(experimentRecord);
  return rows.length > size ? { items, nextPageToken: encodePageToken(offset + size) } : { items };
}
