/**
 * The file engine keeps the order of an experiment's runs once a search asked for it twice with
 * nothing changed in between, and the count of a filter likewise. Kept or not, a search answers
 * what searching every run answers: the same runs, in the same order, on the same pages, and a
 * change to any run (a metric, a tag, a deletion, a new run) shows at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { searchRuns, type RunDoc } from 'lablog/search';
import { rng } from '../support/metricPoints.js';
import { post } from '../support/mlflowHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

type SearchReply = { runs?: Array<{ info: { run_id: string } }>; next_page_token?: string };

const RUNS = 60;

describe('kept search orders (file engine)', () => {
  let a: StartedAgent;
  let exp: string;
  const ids: string[] = [];
  before(async () => {
    a = await startAgent();
    exp = (await post<{ experiment_id: string }>(a.url, 'experiments/create', { name: 'kept' })).body.experiment_id;
    for (let i = 0; i < RUNS; i++) {
      // equal start times and values in places: the tie-breakers decide
      const r = await post<{ run: { info: { run_id: string } } }>(a.url, 'runs/create', { experiment_id: exp, run_name: `r${i}`, start_time: 1000 + (i % 7) });
      const id = r.body.run.info.run_id;
      ids.push(id);
      const metrics = i % 5 === 0 ? [] : [{ key: 'm', value: i % 3 === 0 ? 'NaN' : (i * 37) % 11, timestamp: 1, step: 0 }];
      await post(a.url, 'runs/log-batch', { run_id: id, metrics, params: [{ key: 'p', value: String(i % 4) }], tags: [] });
    }
    await post(a.url, 'runs/delete', { run_id: ids[3] });
  });
  after(() => a?.close());

  /** What searching every run in memory answers, as ids. */
  const expected = (body: Record<string, unknown>): SearchReply => {
    const docs: RunDoc[] = a.agent.store.runsOf([exp]);
    const r = searchRuns(docs, {
      filter: body.filter as string | undefined,
      orderBy: body.order_by as string[] | undefined,
      viewType: body.run_view_type as 'ALL' | undefined,
      maxResults: body.max_results as number | undefined,
      pageToken: body.page_token as string | undefined,
    });
    return { runs: r.runs.map((d) => ({ info: { run_id: d.info.run_id } })), ...(r.nextPageToken ? { next_page_token: r.nextPageToken } : {}) };
  };
  const search = async (body: Record<string, unknown>): Promise<SearchReply> => {
    const r = await post<SearchReply>(a.url, 'runs/search', { experiment_ids: [exp], ...body });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return { runs: (r.body.runs ?? []).map((x) => ({ info: { run_id: x.info.run_id } })), ...(r.body.next_page_token ? { next_page_token: r.body.next_page_token } : {}) };
  };
  /** Asks three times (the second keeps the order, the third uses it); each answer is the full search's. */
  const same = async (body: Record<string, unknown>) => {
    for (let i = 0; i < 3; i++) assert.deepEqual(await search(body), expected(body), `${JSON.stringify(body)}, asked ${i + 1}×`);
  };
  const token = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString('base64');

  test('every order, filter, view and page answers what a full search answers', async () => {
    for (const order_by of [[], ['metrics.m ASC'], ['metrics.m DESC'], ['params.p', 'metrics.m DESC'], ['attributes.start_time ASC'], ['attributes.run_name DESC']]) {
      for (const filter of ['', 'metrics.m > 4', "params.p = '1'"]) {
        for (const extra of [{}, { run_view_type: 'ALL' }, { run_view_type: 'DELETED_ONLY' }]) {
          await same({ order_by, filter, max_results: 7, ...extra });
          await same({ order_by, filter, max_results: 7, page_token: token(14), ...extra });
          await same({ order_by, filter, max_results: 100, ...extra });
        }
      }
    }
  });

  test('a change to a run shows in the next search of a kept order', async () => {
    const body = { order_by: ['metrics.m DESC'], max_results: 5 };
    await same(body);
    // the last run jumps to the top
    await post(a.url, 'runs/log-batch', { run_id: ids[RUNS - 1], metrics: [{ key: 'm', value: 99, timestamp: 2, step: 1 }] });
    const top = await search(body);
    assert.equal(top.runs?.[0]?.info.run_id, ids[RUNS - 1]);
    assert.deepEqual(top, expected(body));
    await same(body);
    // a deleted run leaves, a new run comes in
    await post(a.url, 'runs/delete', { run_id: ids[RUNS - 1] });
    assert.deepEqual(await search(body), expected(body));
    const r = await post<{ run: { info: { run_id: string } } }>(a.url, 'runs/create', { experiment_id: exp, run_name: 'late', start_time: 5000 });
    await post(a.url, 'runs/log-batch', { run_id: r.body.run.info.run_id, metrics: [{ key: 'm', value: 100, timestamp: 1, step: 0 }] });
    const now = await search(body);
    assert.equal(now.runs?.[0]?.info.run_id, r.body.run.info.run_id);
    assert.deepEqual(now, expected(body));
  });

  test('kept orders follow runs as they change, one by one or many at once', async () => {
    const r = rng(7);
    const orders = [['metrics.m DESC'], ['metrics.m ASC'], ['params.p', 'metrics.m'], ['tags.t DESC'], []];
    for (const order_by of orders) await same({ order_by, max_results: 10 });
    const pick = () => ids[Math.floor(r() * ids.length)]!;
    for (let round = 0; round < 40; round++) {
      // a few changes (moved in place), some more (merged), or more than a kept order follows
      const changes = round % 13 === 12 ? 80 : round % 13 === 6 ? 30 : 1 + Math.floor(r() * 3);
      for (let c = 0; c < changes; c++) {
        const what = r();
        const id = pick();
        if (what < 0.6) await post(a.url, 'runs/log-batch', { run_id: id, metrics: [{ key: 'm', value: Math.floor(r() * 12), timestamp: 10 + round, step: 10 + round }] });
        else if (what < 0.75) await post(a.url, 'runs/set-tag', { run_id: id, key: 't', value: String(Math.floor(r() * 5)) });
        else if (what < 0.85) await post(a.url, r() < 0.5 ? 'runs/delete' : 'runs/restore', { run_id: id });
        else {
          const n = await post<{ run: { info: { run_id: string } } }>(a.url, 'runs/create', { experiment_id: exp, run_name: `new${round}-${c}`, start_time: 1000 + Math.floor(r() * 7) });
          ids.push(n.body.run.info.run_id);
          await post(a.url, 'runs/log-batch', { run_id: n.body.run.info.run_id, metrics: [{ key: 'm', value: Math.floor(r() * 12), timestamp: 1, step: 0 }] });
        }
      }
      for (const order_by of orders) {
        const body = { order_by, max_results: 9, ...(round % 2 ? { page_token: token(9) } : {}), ...(round % 3 ? {} : { run_view_type: 'ALL' }) };
        assert.deepEqual(await search(body), expected(body), `round ${round}, ${JSON.stringify(body)}`);
      }
    }
  });

  test('a count asked again follows the runs', async () => {
    const count = async (filter: string) => {
      const res = await fetch(`${a.url}/api/2.0/lablog/runs/count`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_ids: [exp], filter }) });
      return ((await res.json()) as { count: number }).count;
    };
    const before = await count("params.p = '2'");
    assert.equal(await count("params.p = '2'"), before);
    const r = await post<{ run: { info: { run_id: string } } }>(a.url, 'runs/create', { experiment_id: exp, run_name: 'counted', start_time: 1 });
    await post(a.url, 'runs/log-batch', { run_id: r.body.run.info.run_id, params: [{ key: 'p', value: '2' }] });
    assert.equal(await count("params.p = '2'"), before + 1);
  });
});
