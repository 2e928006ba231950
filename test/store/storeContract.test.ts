/**
 * The tracking store contract: the same MLflow rules, searches, histories and live feed,
 * checked over the real agent against every engine — the file store and PostgreSQL — each
 * started for real. Nothing here knows which engine it talks to.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerMessage } from '@lablog/schema';
import { ENGINES, engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';
import { LiveTestClient } from '../support/liveClient.js';
import { fullHistory, get, newRun, post } from '../support/mlflowHttp.js';

type RunReply = { run: { info: { run_id: string; run_name: string; status: string; lifecycle_stage: string; end_time?: number }; data: { metrics?: Array<{ key: string; value: number | string; step: number; timestamp: number }>; params?: Array<{ key: string; value: string }>; tags?: Array<{ key: string; value: string }> } } };
type SearchReply = { runs?: RunReply['run'][]; next_page_token?: string };

for (const engine of ENGINES) {
  describe(`tracking store contract: ${engine}`, async () => {
    const skip = await engineMissing(engine);
    let a: EngineAgent;
    before(async () => {
      if (!skip) a = await startEngineAgent(engine);
    });
    after(() => a?.close());

    const run = async (runId: string) => (await get<RunReply>(a.url, 'runs/get', { run_id: runId })).body.run;
    const names = (r: SearchReply) => (r.runs ?? []).map((x) => x.info.run_name);
    const search = async (experimentId: string, filter: string, orderBy: string[] = [], extra: Record<string, unknown> = {}) => {
      const r = await post<SearchReply>(a.url, 'runs/search', { experiment_ids: [experimentId], filter, order_by: orderBy, ...extra });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };

    test('experiments: unique names, rename only when active and to a free name, the default stays, tags', { skip }, async () => {
      const e1 = await post<{ experiment_id: string }>(a.url, 'experiments/create', { name: 'exp-a', tags: [{ key: 'team', value: 'ml' }] });
      assert.equal(e1.status, 200);
      const dup = await post(a.url, 'experiments/create', { name: 'exp-a' });
      assert.equal(dup.status, 400);
      assert.equal(dup.body.error_code, 'RESOURCE_ALREADY_EXISTS');
      const missing = await get(a.url, 'experiments/get-by-name', { experiment_name: 'nope' });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
      const e2 = await post<{ experiment_id: string }>(a.url, 'experiments/create', { name: 'exp-b' });
      const taken = await post(a.url, 'experiments/update', { experiment_id: e2.body.experiment_id, new_name: 'exp-a' });
      assert.equal(taken.body.error_code, 'RESOURCE_ALREADY_EXISTS');
      assert.equal((await post(a.url, 'experiments/update', { experiment_id: e2.body.experiment_id, new_name: 'exp-b2' })).status, 200);
      assert.equal((await get<{ experiment: { name: string } }>(a.url, 'experiments/get', { experiment_id: e2.body.experiment_id })).body.experiment.name, 'exp-b2');
      assert.equal((await post(a.url, 'experiments/delete', { experiment_id: e2.body.experiment_id })).status, 200);
      const renameDeleted = await post(a.url, 'experiments/update', { experiment_id: e2.body.experiment_id, new_name: 'exp-b3' });
      assert.equal(renameDeleted.status, 400);
      const tagDeleted = await post(a.url, 'experiments/set-experiment-tag', { experiment_id: e2.body.experiment_id, key: 'k', value: 'v' });
      assert.equal(tagDeleted.status, 400);
      const runInDeleted = await post(a.url, 'runs/create', { experiment_id: e2.body.experiment_id });
      assert.equal(runInDeleted.status, 400);
      assert.equal((await post(a.url, 'experiments/delete', { experiment_id: '0' })).status, 400);
      assert.equal((await post(a.url, 'experiments/delete-experiment-tag', { experiment_id: e1.body.experiment_id, key: 'absent' })).status, 404);
      assert.equal((await post(a.url, 'experiments/delete-experiment-tag', { experiment_id: e1.body.experiment_id, key: 'team' })).status, 200);
      const found = await post<{ experiments: Array<{ name: string }> }>(a.url, 'experiments/search', { filter: "name LIKE 'exp-%'", view_type: 'ALL', order_by: ['name DESC'] });
      assert.deepEqual(found.body.experiments.map((e) => e.name), ['exp-b2', 'exp-a']);
    });

    test('runs: a client id creates one run, lifecycle gates writes, updates and renames', { skip }, async () => {
      const exp = await post<{ experiment_id: string }>(a.url, 'experiments/create', { name: 'runs-life' });
      const id = 'c0ffee00c0ffee00c0ffee00c0ffee00';
      const first = await post<RunReply>(a.url, 'runs/create', { experiment_id: exp.body.experiment_id, run_id: id, run_name: 'mine', start_time: 10 });
      const again = await post<RunReply>(a.url, 'runs/create', { experiment_id: exp.body.experiment_id, run_id: id, run_name: 'mine', start_time: 10 });
      assert.equal(first.body.run.info.run_id, id);
      assert.equal(again.body.run.info.run_id, id);
      const elsewhere = await post(a.url, 'runs/create', { experiment_id: '0', run_id: id });
      assert.equal(elsewhere.status, 400);
      const upd = await post<{ run_info: { status: string; run_name: string; end_time: number } }>(a.url, 'runs/update', { run_id: id, status: 'FINISHED', end_time: 20, run_name: 'renamed' });
      assert.deepEqual([upd.body.run_info.status, upd.body.run_info.run_name, upd.body.run_info.end_time], ['FINISHED', 'renamed', 20]);
      assert.equal((await run(id)).data.tags?.find((t) => t.key === 'mlflow.runName')?.value, 'renamed');
      assert.equal((await post(a.url, 'runs/delete', { run_id: id })).status, 200);
      const deletedWrite = await post(a.url, 'runs/log-parameter', { run_id: id, key: 'p', value: '1' });
      assert.equal(deletedWrite.status, 400);
      assert.equal((await post(a.url, 'runs/restore', { run_id: id })).status, 200);
      assert.equal((await post(a.url, 'runs/log-parameter', { run_id: id, key: 'p', value: '1' })).status, 200);
      const missing = await get(a.url, 'runs/get', { run_id: 'f'.repeat(32) });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('params never change value; a refused batch changes nothing; tags overwrite and delete', { skip }, async () => {
      const { runId } = await newRun(a.url, 'params-rule');
      assert.equal((await post(a.url, 'runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 't', value: '1' }] })).status, 200);
      assert.equal((await post(a.url, 'runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status, 200);
      const changed = await post(a.url, 'runs/log-batch', {
        run_id: runId,
        params: [{ key: 'lr', value: '0.2' }],
        tags: [{ key: 't', value: '2' }],
        metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
      });
      assert.equal(changed.status, 400);
      assert.equal(changed.body.error_code, 'INVALID_PARAMETER_VALUE');
      const r = await run(runId);
      assert.deepEqual(r.data.params, [{ key: 'lr', value: '0.1' }]);
      assert.equal(r.data.tags?.find((t) => t.key === 't')?.value, '1');
      assert.equal(r.data.metrics, undefined);
      assert.equal((await post(a.url, 'runs/set-tag', { run_id: runId, key: 't', value: '3' })).status, 200);
      assert.equal((await run(runId)).data.tags?.find((t) => t.key === 't')?.value, '3');
      assert.equal((await post(a.url, 'runs/delete-tag', { run_id: runId, key: 't' })).status, 200);
      assert.equal((await post(a.url, 'runs/delete-tag', { run_id: runId, key: 't' })).status, 404);
      const odd = await post(a.url, 'runs/log-batch', { run_id: runId, params: [{ key: '__proto__', value: 'x' }, { key: 'constructor', value: 'y' }] });
      assert.equal(odd.status, 200);
      const params = Object.fromEntries(((await run(runId)).data.params ?? []).map((p) => [p.key, p.value]));
      assert.equal(params.constructor, 'y');
    });

    test('concurrent batches: each is stored or refused on its own, and every acknowledged point is there', { skip }, async () => {
      const { runId } = await newRun(a.url, 'concurrent');
      await post(a.url, 'runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' });
      const replies = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          post(a.url, 'runs/log-batch', {
            run_id: runId,
            params: i === 7 ? [{ key: 'lr', value: '0.9' }] : [],
            metrics: Array.from({ length: 50 }, (_, j) => ({ key: 'm', value: i, timestamp: 1, step: i * 50 + j })),
          }),
        ),
      );
      assert.deepEqual(replies.map((r) => r.status), Array.from({ length: 30 }, (_, i) => (i === 7 ? 400 : 200)));
      const steps = (await fullHistory(a.url, runId, 'm')).map((p) => p.step).sort((x, y) => x - y);
      assert.deepEqual(steps, Array.from({ length: 30 * 50 }, (_, k) => k).filter((k) => Math.floor(k / 50) !== 7));
    });

    test('latest metric: highest step, then newest timestamp, the later logged on a tie; NaN and ±Infinity round-trip', { skip }, async () => {
      const { runId } = await newRun(a.url, 'latest-rule');
      const batch = (metrics: unknown[]) => post(a.url, 'runs/log-batch', { run_id: runId, metrics });
      await batch([
        { key: 'a', value: 1, timestamp: 5, step: 2 },
        { key: 'a', value: 2, timestamp: 9, step: 1 },
        { key: 'b', value: 1, timestamp: 5, step: 1 },
        { key: 'b', value: 2, timestamp: 6, step: 1 },
        { key: 'c', value: 1, timestamp: 5, step: 1 },
        { key: 'c', value: 2, timestamp: 5, step: 1 },
        { key: 'n', value: 'NaN', timestamp: 1, step: 0 },
        { key: 'i', value: 'Infinity', timestamp: 1, step: 0 },
        { key: 'j', value: '-Infinity', timestamp: 1, step: 0 },
      ]);
      await batch([{ key: 'a', value: 3, timestamp: 1, step: 1 }]); // older step: not the latest
      const latest = Object.fromEntries(((await run(runId)).data.metrics ?? []).map((m) => [m.key, m.value]));
      assert.deepEqual(latest, { a: 1, b: 2, c: 2, n: 'NaN', i: 'Infinity', j: '-Infinity' });
      const h = await fullHistory(a.url, runId, 'n');
      assert.deepEqual(h, [{ key: 'n', value: 'NaN', timestamp: 1, step: 0 }]);
    });

    test('of points at the same step and timestamp the one logged last is the latest, within a batch and across batches, key by key', { skip }, async () => {
      const { runId } = await newRun(a.url, 'latest-ties');
      const latest = async () => Object.fromEntries(((await run(runId)).data.metrics ?? []).map((x) => [x.key, x.value]));
      await post(a.url, 'runs/log-batch', {
        run_id: runId,
        metrics: [
          { key: 'a', value: 1, timestamp: 10, step: 2 },
          { key: 'b', value: 1, timestamp: 10, step: 7 },
          { key: 'a', value: 2, timestamp: 10, step: 2 },
          { key: 'b', value: 2, timestamp: 10, step: 6 },
          { key: 'a', value: 3, timestamp: 9, step: 2 },
        ],
      });
      assert.deepEqual(await latest(), { a: 2, b: 1 });
      await post(a.url, 'runs/log-batch', {
        run_id: runId,
        metrics: [
          { key: 'b', value: 3, timestamp: 10, step: 7 },
          { key: 'a', value: 4, timestamp: 10, step: 1 },
          { key: 'b', value: 4, timestamp: 9, step: 7 },
        ],
      });
      assert.deepEqual(await latest(), { a: 2, b: 3 });
      assert.equal((await post(a.url, 'runs/log-metric', { run_id: runId, key: 'a', value: 5, timestamp: 10, step: 2 })).status, 200);
      assert.deepEqual(await latest(), { a: 5, b: 3 });
    });

    test('metric history: every point, paged by next_page_token', { skip }, async () => {
      const { runId } = await newRun(a.url, 'history');
      const metrics = Array.from({ length: 25 }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), timestamp: 1000 + i, step: i }));
      assert.equal((await post(a.url, 'runs/log-batch', { run_id: runId, metrics })).status, 200);
      const pages: number[] = [];
      let token: string | undefined;
      const all: Array<{ step: number; value: number }> = [];
      do {
        const r = await get<{ metrics: Array<{ step: number; value: number }>; next_page_token?: string }>(a.url, 'metrics/get-history', { run_id: runId, metric_key: 'loss', max_results: 10, ...(token ? { page_token: token } : {}) });
        pages.push(r.body.metrics.length);
        all.push(...r.body.metrics);
        token = r.body.next_page_token;
      } while (token);
      assert.deepEqual(pages, [10, 10, 5]);
      assert.deepEqual(all.map((p) => p.step), metrics.map((m) => m.step));
      assert.equal((await get(a.url, 'metrics/get-history', { run_id: 'f'.repeat(32), metric_key: 'loss' })).status, 404);
    });

    test('search: the filter grammar, order_by with missing keys last, view types and paging', { skip }, async () => {
      const exp = await post<{ experiment_id: string }>(a.url, 'experiments/create', { name: 'search-grammar' });
      const e = exp.body.experiment_id;
      const mk = async (name: string, start: number, loss: number | string | null, lr: string | null, tags: Record<string, string>, dataset?: string) => {
        const r = await post<RunReply>(a.url, 'runs/create', { experiment_id: e, run_name: name, start_time: start, user_id: 'u' });
        const id = r.body.run.info.run_id;
        await post(a.url, 'runs/log-batch', {
          run_id: id,
          metrics: loss === null ? [] : [{ key: 'loss', value: loss, timestamp: 1, step: 0 }],
          params: lr === null ? [] : [{ key: 'lr', value: lr }],
          tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
        });
        if (dataset) {
          await post(a.url, 'runs/log-inputs', { run_id: id, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset: { name: dataset, digest: 'd1', source_type: 'local', source: '{}' } }] });
        }
        return id;
      };
      const r1 = await mk('alpha', 100, 0.5, '0.1', { team: 'Vision' }, 'mnist');
      await mk('beta', 200, 0.25, '0.2', { team: 'nlp' });
      await mk('gamma', 300, null, null, {});
      await mk('delta', 400, 'NaN', '0.1', { team: 'vision-x' });
      const r5 = await mk('epsilon', 500, 0.75, '0.3', { team: 'vision' });
      await post(a.url, 'runs/delete', { run_id: r5 });

      assert.deepEqual(names(await search(e, '')), ['delta', 'gamma', 'beta', 'alpha']);
      assert.deepEqual(names(await search(e, 'metrics.loss > 0.3')), ['alpha']);
      assert.deepEqual(names(await search(e, 'metrics.loss != 0.5')), ['delta', 'beta']);
      assert.deepEqual(names(await search(e, "params.lr = '0.1'")), ['delta', 'alpha']);
      assert.deepEqual(names(await search(e, "params.lr != '0.1'")), ['beta']);
      assert.deepEqual(names(await search(e, "tags.team LIKE 'vision%'")), ['delta']);
      assert.deepEqual(names(await search(e, "tags.team ILIKE 'vision%'")), ['delta', 'alpha']);
      assert.deepEqual(names(await search(e, "attributes.run_name IN ('alpha', 'gamma')")), ['gamma', 'alpha']);
      assert.deepEqual(names(await search(e, "attributes.run_name NOT IN ('alpha', 'gamma')")), ['delta', 'beta']);
      assert.deepEqual(names(await search(e, 'attributes.start_time >= 200 AND attributes.start_time < 400')), ['gamma', 'beta']);
      assert.deepEqual(names(await search(e, "attributes.status = 'RUNNING' AND metrics.loss <= 0.5 AND params.lr = '0.1'")), ['alpha']);
      assert.deepEqual(names(await search(e, "datasets.name = 'mnist'")), ['alpha']);
      assert.deepEqual(names(await search(e, "datasets.context = 'train'")), ['alpha']);
      assert.deepEqual(names(await search(e, `attributes.run_id = '${r1}'`)), ['alpha']);
      assert.deepEqual(names(await search(e, "tags.`team` = 'nlp'")), ['beta']);

      assert.deepEqual(names(await search(e, '', ['metrics.loss ASC'])), ['beta', 'alpha', 'delta', 'gamma']);
      assert.deepEqual(names(await search(e, '', ['metrics.loss DESC'])), ['alpha', 'beta', 'delta', 'gamma']);
      assert.deepEqual(names(await search(e, '', ['params.lr DESC', 'attributes.run_name ASC'])), ['beta', 'alpha', 'delta', 'gamma']);
      assert.deepEqual(names(await search(e, '', ['attributes.start_time ASC'])), ['alpha', 'beta', 'gamma', 'delta']);
      assert.deepEqual(names(await search(e, '', [], { run_view_type: 'DELETED_ONLY' })), ['epsilon']);
      assert.equal((await search(e, '', [], { run_view_type: 'ALL' })).runs?.length, 5);

      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await search(e, '', ['attributes.run_name ASC'], { max_results: 3, ...(token ? { page_token: token } : {}) });
        seen.push(...names(page));
        token = page.next_page_token;
      } while (token);
      assert.deepEqual(seen, ['alpha', 'beta', 'delta', 'gamma']);
      // pages ordered by a metric run through the runs having it (NaN last of them) into those lacking it
      for (const [orderBy, size] of [['metrics.loss DESC', 1], ['metrics.loss ASC', 3], ['metrics.loss DESC', 2]] as const) {
        const paged: string[] = [];
        let next: string | undefined;
        do {
          const page = await search(e, '', [orderBy], { max_results: size, ...(next ? { page_token: next } : {}) });
          paged.push(...names(page));
          next = page.next_page_token;
        } while (next);
        assert.deepEqual(paged, names(await search(e, '', [orderBy])), `${orderBy} by ${size}`);
      }
      assert.deepEqual(names(await search(e, "params.lr = '0.1'", ['metrics.loss DESC'], { max_results: 1, page_token: (await search(e, "params.lr = '0.1'", ['metrics.loss DESC'], { max_results: 1 })).next_page_token })), ['delta']);

      // the count a runs table's pager shows: what every page of the same search finds together
      const count = async (filter: string, extra: Record<string, unknown> = {}) => {
        const res = await fetch(`${a.url}/api/2.0/lablog/runs/count`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_ids: [e], filter, ...extra }) });
        return { status: res.status, body: (await res.json()) as { count?: number; error_code?: string } };
      };
      assert.deepEqual((await count('')).body, { count: 4 });
      assert.deepEqual((await count("tags.team ILIKE 'vision%'")).body, { count: 2 });
      assert.deepEqual((await count('', { run_view_type: 'ALL' })).body, { count: 5 });
      assert.deepEqual((await count('', { run_view_type: 'DELETED_ONLY' })).body, { count: 1 });
      const badCount = await count('metrics.loss >');
      assert.equal(badCount.status, 400);
      assert.equal(badCount.body.error_code, 'INVALID_PARAMETER_VALUE');

      const bad = await post(a.url, 'runs/search', { experiment_ids: [e], filter: 'metrics.loss > 1 OR params.a = 1' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error_code, 'INVALID_PARAMETER_VALUE');
    });

    test('a dataset is one input of a run: logged again (other tags, as MLflow 3 re-logs it) it keeps its first input; a model input too', { skip }, async () => {
      const { runId } = await newRun(a.url, 'inputs-once', 'r');
      const dataset = { name: 'mnist', digest: 'd1', source_type: 'local', source: '{}' };
      assert.equal((await post(a.url, 'runs/log-inputs', { run_id: runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }] })).status, 200);
      assert.equal((await post(a.url, 'runs/log-inputs', { run_id: runId, datasets: [{ tags: [], dataset }, { tags: [], dataset: { ...dataset, digest: 'd2' } }] })).status, 200);
      const inputs = (await get<{ run: { inputs: { dataset_inputs?: Array<{ tags?: unknown[]; dataset: { digest: string } }> } } }>(a.url, 'runs/get', { run_id: runId })).body.run.inputs.dataset_inputs ?? [];
      assert.deepEqual(inputs.map((i) => [i.dataset.digest, i.tags?.length ?? 0]), [['d1', 1], ['d2', 0]]);
      // MLflow 3's model inputs (log_metric(model_id=…) sends them): each model once, beside the datasets
      assert.equal((await post(a.url, 'runs/log-inputs', { run_id: runId, models: [{ model_id: 'm-1' }] })).status, 200);
      assert.equal((await post(a.url, 'runs/log-inputs', { run_id: runId, models: [{ model_id: 'm-1' }, { model_id: 'm-2' }] })).status, 200);
      const after = (await get<{ run: { inputs: { dataset_inputs?: unknown[]; model_inputs?: Array<{ model_id: string }> } } }>(a.url, 'runs/get', { run_id: runId })).body.run.inputs;
      assert.deepEqual(after.model_inputs, [{ model_id: 'm-1' }, { model_id: 'm-2' }]);
      assert.equal(after.dataset_inputs?.length, 2);
      assert.equal((await post(a.url, 'runs/log-inputs', { run_id: runId })).status, 400);
    });

    test('log-model keeps every model when two are logged at once', { skip }, async () => {
      const { runId } = await newRun(a.url, 'log-model');
      const models = Array.from({ length: 6 }, (_, i) => ({ artifact_path: `m${i}`, flavors: {} }));
      const replies = await Promise.all(models.map((m) => post(a.url, 'runs/log-model', { run_id: runId, model_json: JSON.stringify(m) })));
      assert.ok(replies.every((r) => r.status === 200));
      const history = JSON.parse((await run(runId)).data.tags?.find((t) => t.key === 'mlflow.log-model.history')?.value ?? '[]') as Array<{ artifact_path: string }>;
      assert.deepEqual(history.map((m) => m.artifact_path).sort(), models.map((m) => m.artifact_path));
    });

    test('downsampling: min, max and last per bucket, every point when they are few', { skip }, async () => {
      const { runId } = await newRun(a.url, 'downsample');
      const metrics = Array.from({ length: 100 }, (_, i) => ({ key: 'y', value: i % 10 === 3 ? 'NaN' : Math.sin(i), timestamp: 1000 + i, step: i }));
      await post(a.url, 'runs/log-batch', { run_id: runId, metrics });
      const ds = async (q: Record<string, string | number>) => (await fetch(`${a.url}/api/2.0/lablog/metrics/downsample?${new URLSearchParams({ run_id: runId, metric_key: 'y', ...Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(v)])) })}`)).json();
      const ten = (await ds({ buckets: 10 })) as { x: number[]; count: number[]; min: Array<number | null>; last: Array<number | null>; exact: boolean; total: number };
      assert.equal(ten.total, 100);
      assert.equal(ten.exact, false);
      assert.deepEqual(ten.count, [10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
      assert.deepEqual(ten.x, [9, 19, 29, 39, 49, 59, 69, 79, 89, 99]);
      assert.equal(ten.min[0], Math.min(...[0, 1, 2, 4, 5, 6, 7, 8, 9].map(Math.sin)));
      assert.equal(ten.last[9], Math.sin(99));
      const few = (await ds({ buckets: 50, x_min: 0, x_max: 4 })) as { x: number[]; last: Array<number | null>; exact: boolean };
      assert.equal(few.exact, true);
      assert.deepEqual(few.x, [0, 1, 2, 3, 4]);
      assert.equal(few.last[3], null);
      const time = (await ds({ x_axis: 'time', buckets: 2 })) as { x: number[]; count: number[] };
      assert.deepEqual(time.count, [50, 50]);
      assert.deepEqual(time.x, [1049, 1099]);
    });

    test('the live feed: a snapshot, then every change in commit order; a resumed viewer gets exactly what it missed; a resent batch is stored once', { skip }, async () => {
      const { runId } = await newRun(a.url, 'live-feed');
      const viewer = await LiveTestClient.connect(a.url);
      viewer.send({ type: 'subscribe', id: 's', scope: { kind: 'run', run_id: runId }, snapshot: true });
      const snap = await viewer.next<Extract<ServerMessage, { type: 'snapshot' }>>((m) => m.type === 'snapshot');
      for (let i = 0; i < 5; i++) await post(a.url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'x', value: i, timestamp: 1, step: i }] });
      await viewer.next((m) => m.type === 'event' && m.event.kind === 'metrics' && m.event.metrics.some((p) => p.step === 4));
      const events = viewer.events('s');
      const seqs = events.map((e) => e.seq);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
      assert.ok(seqs[0]! > snap.seq);
      const stepsSeen = events.flatMap((e) => (e.event.kind === 'metrics' ? e.event.metrics.map((p) => p.step) : []));
      assert.deepEqual(stepsSeen, [0, 1, 2, 3, 4]);
      const last = seqs.at(-1)!;
      await viewer.close();

      for (let i = 5; i < 8; i++) await post(a.url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'x', value: i, timestamp: 1, step: i }] });
      const back = await LiveTestClient.connect(a.url);
      back.send({ type: 'subscribe', id: 'r', scope: { kind: 'run', run_id: runId }, since: last, epoch: snap.epoch });
      await back.next((m) => m.type === 'subscribed');
      await back.next((m) => m.type === 'event' && m.event.kind === 'metrics' && m.event.metrics.some((p) => p.step === 7));
      assert.deepEqual(
        back.events('r').flatMap((e) => (e.event.kind === 'metrics' ? e.event.metrics.map((p) => p.step) : [])),
        [5, 6, 7],
      );

      const log = { type: 'log', id: 'l1', run_id: runId, batch: { client: 'client-a', seq: 1 }, metrics: [{ key: 'z', value: 1, timestamp: 1, step: 0 }] };
      back.send(log);
      await back.next((m) => m.type === 'ack' && m.id === 'l1');
      back.send({ ...log, id: 'l2' });
      await back.next((m) => m.type === 'ack' && m.id === 'l2');
      assert.equal((await fullHistory(a.url, runId, 'z')).length, 1);
      await back.close();
    });
  });
}
