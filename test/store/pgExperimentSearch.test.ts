/**
 * experiments/search on PostgreSQL runs in SQL and answers as the shared in-memory rules do
 * (`searchExperiments`, which the file engine uses): the same experiments — odd ids, equal
 * times, tags, deleted ones — written into the database, then every filter, order, view and page
 * asked of the agent and of the rules; the same ids in the same order, the same 400s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { searchExperiments, type ExperimentRecord } from 'lablog/search';
import { engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';
import { get, post } from '../support/mlflowHttp.js';
import { experiment } from '../search/records.js';

type Req = NonNullable<Parameters<typeof searchExperiments>[1]>;

const extra: ExperimentRecord[] = [
  experiment('1', 'nb-search-8f9583', { creation_time: 20, last_update_time: 50, tags: { team: 'vision' } }),
  experiment('2', 'NB-Other', { creation_time: 30, last_update_time: 40, tags: { team: 'nlp', owner: 'bob' } }),
  experiment('10', 'archive', { creation_time: 30, last_update_time: 30 }),
  experiment('007', 'bond', { creation_time: 30, last_update_time: 30, tags: { 'odd key': 'x%y' } }),
  experiment('3', 'binned', { creation_time: 40, lifecycle_stage: 'deleted' }),
  experiment('abc', 'Zeta', { creation_time: 30, last_update_time: 60 }),
  experiment('12345678901234567890', 'imported', { creation_time: 5, last_update_time: 5, tags: { team: 'vision' } }),
  experiment('ab', 'zeta', { creation_time: 50, last_update_time: 60, lifecycle_stage: 'deleted' }),
];

const REQUESTS: Req[] = [
  {},
  { filter: `name = 'Default'` },
  { filter: `attributes.name != 'Default'` },
  { filter: `name LIKE 'nb-%'` },
  { filter: `name ILIKE 'nb-%'` },
  { filter: `name LIKE '%e%' AND creation_time >= 20` },
  { filter: 'creation_time > 20' },
  { filter: 'last_update_time <= 30' },
  { filter: `tags.team = 'vision'` },
  { filter: `tag.team != 'nlp'` },
  { filter: `tags.\`odd key\` LIKE 'x%'` },
  { filter: `tags.owner ILIKE 'BOB'` },
  { filter: `tags.constructor != 'x'` },
  { orderBy: ['name'] },
  { orderBy: ['name DESC'] },
  { orderBy: ['experiment_id'] },
  { orderBy: ['experiment_id DESC'] },
  { orderBy: ['creation_time'] },
  { orderBy: ['last_update_time DESC', 'name'] },
  { orderBy: ['creation_time DESC'], viewType: 'ALL' },
  { viewType: 'DELETED_ONLY' },
  { viewType: 'ALL', orderBy: ['name ASC'] },
];

describe('experiments/search on PostgreSQL, in SQL', async () => {
  const skip = await engineMissing('postgresql');
  let a: EngineAgent;
  let all: ExperimentRecord[] = [];
  before(async () => {
    if (skip) return;
    a = await startEngineAgent('postgresql');
    const c = new pg.Client({ connectionString: a.store });
    await c.connect();
    try {
      for (const e of extra) {
        await c.query('INSERT INTO experiments VALUES ($1, $2, $3, $4, $5, $6, $7)', [e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time, e.tags]);
      }
    } finally {
      await c.end();
    }
    const d = await get<{ experiment: ExperimentRecord & { tags?: unknown } }>(a.url, 'experiments/get', { experiment_id: '0' });
    all = [{ ...d.body.experiment, tags: {} }, ...extra];
  });
  after(() => a?.close());

  /** The ids the agent answers, following next_page_token with pages of `size`. */
  const agentIds = async (req: Req, size?: number): Promise<string[]> => {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const body: Record<string, unknown> = { ...(req.filter ? { filter: req.filter } : {}), ...(req.orderBy ? { order_by: req.orderBy } : {}), ...(req.viewType ? { view_type: req.viewType } : {}) };
      if (size) body.max_results = size;
      if (token) body.page_token = token;
      const r = await post<{ experiments?: Array<{ experiment_id: string }>; next_page_token?: string }>(a.url, 'experiments/search', body);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      out.push(...(r.body.experiments ?? []).map((e) => e.experiment_id));
      token = r.body.next_page_token;
    } while (token);
    return out;
  };
  const ruleIds = (req: Req) => searchExperiments(all, { ...req, maxResults: 50_000 }).experiments.map((e) => e.experiment_id);

  test('every filter, order and view answers as the shared rules, whole and page by page', { skip }, async () => {
    for (const req of REQUESTS) {
      const expected = ruleIds(req);
      assert.deepEqual(await agentIds(req), expected, JSON.stringify(req));
      assert.deepEqual(await agentIds(req, 2), expected, `${JSON.stringify(req)} in pages of 2`);
    }
  });

  test('what the rules refuse, the agent refuses with 400 INVALID_PARAMETER_VALUE', { skip }, async () => {
    for (const body of [{ filter: 'metrics.loss > 1' }, { filter: 'name = ' }, { order_by: ['tags.team'] }, { max_results: 0 }, { page_token: 'nope' }]) {
      const r = await post(a.url, 'experiments/search', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
    }
  });
});
