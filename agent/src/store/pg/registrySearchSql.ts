/**
 * A registry search's filter in SQL: the registered models it can match (for model-version
 * searches, the models with a version that can), so that a search reads those and not the whole
 * registry. The shared search rules (search/searchRegistry) then apply the whole filter, order and
 * page them, so the answer is the file engine's: the SQL only leaves out models that cannot match.
 * It narrows by the comparisons PostgreSQL makes as MLflow does — `=`, `!=`, `IN`, `NOT IN`,
 * `LIKE` (code points, no escape), numbers; `ILIKE` narrows nothing (PostgreSQL's case folding
 * follows the database's locale, MLflow's is Python's). A model or version lacking the tag a
 * clause names never matches, not even `!=`.
 */
import type { ModelVersionClause, RegisteredModelClause, StringTest } from '../../search/filterParser.js';
import { numberTest, SqlParams, stringTest, type Sql } from './sqlTests.js';

/** `lhs` passes `t`, or true when the test is one this module leaves to the shared rules. */
function narrowing(lhs: string, t: StringTest | Extract<ModelVersionClause, { entity: 'attribute' }>['test'], p: SqlParams): string {
  if (t.type === 'number') return numberTest(lhs, t, p, false);
  if (t.type === 'string' && t.op === 'ILIKE') return 'true';
  return stringTest(lhs, t, p);
}

function tagTest(col: string, key: string, t: StringTest, p: SqlParams): string {
  const k = p.add(key);
  return `(${col} ? ${k} AND ${narrowing(`(${col} ->> ${k})`, t, p)})`;
}

function modelCondition(c: RegisteredModelClause, p: SqlParams): string {
  return c.entity === 'tag' ? tagTest('m.tags', c.key, c.test, p) : narrowing('m.name', c.test, p);
}

function versionCondition(c: ModelVersionClause, p: SqlParams): string {
  if (c.entity === 'tag') return tagTest('v.tags', c.key, c.test, p);
  const column = c.key === 'version_number' ? 'v.version' : c.key === 'name' ? 'm.name' : c.key === 'run_id' ? 'v.run_id' : 'v.source';
  return narrowing(column, c.test, p);
}

/** The registered models (rows of `registered_models`, in creation order) a registered-models search can match. */
export function registeredModelCandidates(clauses: readonly RegisteredModelClause[]): Sql {
  const p = new SqlParams();
  const where = clauses.map((c) => modelCondition(c, p));
  return { text: `SELECT m.* FROM registered_models m${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY m.mid`, values: p.values };
}

/** The registered models with a version a model-versions search can match (all clauses hold for one version). */
export function versionModelCandidates(clauses: readonly ModelVersionClause[]): Sql {
  const p = new SqlParams();
  if (clauses.length === 0) return { text: 'SELECT m.* FROM registered_models m ORDER BY m.mid', values: [] };
  const where = clauses.map((c) => versionCondition(c, p));
  return {
    text: `SELECT m.* FROM registered_models m WHERE EXISTS (SELECT 1 FROM model_versions v WHERE v.mid = m.mid AND ${where.join(' AND ')}) ORDER BY m.mid`,
    values: p.values,
  };
}
