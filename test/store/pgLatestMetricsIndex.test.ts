/**
 * PostgreSQL's metric searches answered from an agent's in-memory latest metrics
 * (LatestMetricsIndex) find exactly what the same searches find in SQL: two agents on one
 * database, one with the index turned off, the other with it held, random runs (NaN, ±Infinity,
 * missing metrics, ties, steps out of order, deleted runs) written through the first — so the
 * second learns every change from the feed — and every page of many searches, and their counts, compared.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';
import { rng, type Point, type Value } from '../support/metricPoints.js';
import { post } from '../support/mlflowHttp.js';
import { dropDatabase, freshDatabase } from '../support/postgres.js';

type SearchReply = { runs?: Array<{ info: { run_id: string } }>; next_page_token?: string };
/** The part of the PostgreSQL store this test reads: whether the experiment is held. */
type WithIndex = { latestMetrics: { loaded(experimentId: string): Promise<unknown> } };

/** An agent on `database` with the index's budget set to `entries` (undefined: the default). */
async function agentWithIndex(database: string, entries: string | undefined): Promise<EngineAgent> {
  if (entries !== undefined) process.env.LABLOG_PG_SEARCH_INDEX_BYTES = entries;
  try {
    return await startEngineAgent('postgresql', {}, database);
  } finally {
    delete process.env.LABLOG_PG_SEARCH_INDEX_BYTES;
  }
}

const VALUES: Value[] = ['NaN', 'Infinity', '-Infinity', 0, 0.25, 0.5, -1];

describe('PostgreSQL: metric searches over the agent’s latest metrics', async () => {
  const skip = await engineMissing('postgresql');
  let database = '';
  let sql: EngineAgent;
  let indexed: EngineAgent;
  let small: EngineAgent;
  before(async () => {
    if (skip) return;
    database = await freshDatabase();
    sql = await agentWithIndex(database, '0');
    indexed = await agentWithIndex(database, undefined);
    small = await agentWithIndex(database, '20000');
  });
  after(async () => {
    await Promise.all([sql, indexed, small].map((a) => a?.close()));
    if (database) await dropDatabase(database);
  });

  /** Every run id of every page of a search, `size` a page. */
  const allPages = async (url: string, experimentId: string, filter: string, orderBy: string[], viewType: string, size: number) => {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const r = await post<SearchReply>(url, 'runs/search', { experiment_ids: [experimentId], filter, order_by: orderBy, run_view_type: viewType, max_results: size, ...(token ? { page_token: token } : {}) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      ids.push(...(r.body.runs ?? []).map((x) => x.info.run_id));
      token = r.body.next_page_token;
    } while (token);
    return ids;
  };

  /** runs/count of a filter. */
  const count = async (url: string, experimentId: string, filter: string, viewType: string) => {
    const res = await fetch(`${url}/api/2.0/lablog/runs/count`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_ids: [experimentId], filter, run_view_type: viewType }) });
    assert.equal(res.status, 200);
    return ((await res.json()) as { count: number }).count;
  };

  test('every page of every search, and every count, equals SQL’s, before and after changes other agents make', { skip }, async () => {
    const random = rng(15);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const exp = await post<{ experiment_id: string }>(sql.url, 'experiments/create', { name: 'indexed' });
    const e = exp.body.experiment_id;
    const runIds: string[] = [];
    const logRandom = async (runId: string) => {
      const metrics: Point[] = [];
      for (const key of ['a', 'b']) {
        if (random() < 0.2) continue;
        // steps out of order and repeated, timestamps tied: the latest rule decides
        for (let i = 0; i < 3; i++) metrics.push({ key, value: random() < 0.6 ? pick(VALUES) : Math.round(random() * 8) / 4, step: Math.floor(random() * 3), timestamp: Math.floor(random() * 2) });
      }
      assert.equal((await post(sql.url, 'runs/log-batch', { run_id: runId, metrics })).status, 200);
    };
    const addRuns = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = await post<{ run: { info: { run_id: string } } }>(sql.url, 'runs/create', { experiment_id: e, start_time: Math.floor(random() * 5) });
        runIds.push(r.body.run.info.run_id);
        await logRandom(r.body.run.info.run_id);
      }
    };
    const deleted = new Set<string>();
    const deleteSome = async (share: number) => {
      for (const id of runIds) {
        if (random() >= share) continue;
        const restore = deleted.has(id);
        await post(sql.url, restore ? 'runs/restore' : 'runs/delete', { run_id: id });
        if (restore) deleted.delete(id);
        else deleted.add(id);
      }
    };
    const compare = async (when: string) => {
      const filters = ['', 'metrics.a > 0', 'metrics.a != 0.5', 'metrics.b <= 0.25 AND metrics.a >= -1', 'metrics.a = 0.25', 'metrics.b < 100'];
      const orders = [['metrics.a DESC'], ['metrics.b ASC', 'metrics.a DESC'], ['metrics.a ASC', 'attributes.start_time ASC'], []];
      for (const filter of filters) {
        for (const viewType of ['ACTIVE_ONLY', 'ALL', 'DELETED_ONLY']) {
          const want = await count(sql.url, e, filter, viewType);
          assert.equal(await count(indexed.url, e, filter, viewType), want, `${when}: count ${filter} | ${viewType}`);
        }
        for (const orderBy of orders) {
          if (!filter && orderBy.length === 0) continue;
          for (const viewType of ['ACTIVE_ONLY', 'ALL', 'DELETED_ONLY']) {
            const size = pick([13, 1000]);
            const want = await allPages(sql.url, e, filter, orderBy, viewType, size);
            const label = `${when}: ${filter} | ${orderBy.join(', ')} | ${viewType} by ${size}`;
            assert.deepEqual(await allPages(indexed.url, e, filter, orderBy, viewType, size), want, label);
            assert.deepEqual(await allPages(small.url, e, filter, orderBy, viewType, size), want, `${label} (too large to hold)`);
          }
        }
      }
    };

    await addRuns(120);
    await deleteSome(0.1);
    const held = (a: EngineAgent) => (a.agent.tracking as unknown as WithIndex).latestMetrics.loaded(e);
    assert.notEqual(await held(indexed), null, 'the indexed agent holds the experiment');
    assert.equal(await held(small), null, 'an experiment over the budget is not held');
    await compare('as loaded');

    // changes through the other agent reach the index by the feed: new runs, new latest values, lifecycle
    await addRuns(40);
    for (const id of runIds.slice(0, 60)) if (!deleted.has(id)) await logRandom(id);
    await deleteSome(0.2);
    await compare('after changes');

    // a run logged through the other agent is found by the next search here, at once
    const fresh = await post<{ run: { info: { run_id: string } } }>(sql.url, 'runs/create', { experiment_id: e, start_time: 9 });
    const freshId = fresh.body.run.info.run_id;
    await post(sql.url, 'runs/log-batch', { run_id: freshId, metrics: [{ key: 'a', value: 1e9, timestamp: 0, step: 0 }] });
    const top = await post<SearchReply>(indexed.url, 'runs/search', { experiment_ids: [e], filter: 'metrics.a > 1e8 AND metrics.a < 1e10', order_by: ['metrics.a DESC'], max_results: 1 });
    assert.equal(top.body.runs?.[0]?.info.run_id, freshId);
  });
});
