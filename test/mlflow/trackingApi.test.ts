/**
 * The MLflow tracking API's rules, one by one, over a real socket: wire conventions,
 * validation limits, immutability of params, the latest-metric rule, and that a refused
 * request changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startAgent } from '../support/startAgent.js';
import { fullHistory, get, newRun, post } from '../support/mlflowHttp.js';

type RunBody = { run: { info: Record<string, unknown>; data: { metrics?: Array<{ key: string; value: unknown; step: number; timestamp: number }>; params?: Array<{ key: string; value: string }>; tags?: Array<{ key: string; value: string }> } } };

describe('MLflow tracking API', () => {
  let url: string;
  let close: () => Promise<void>;
  before(async () => {
    ({ url, close } = await startAgent());
  });
  after(() => close());

  const runDoc = async (runId: string) => (await get<RunBody>(url, 'runs/get', { run_id: runId })).body.run;

  test('experiment 0 "Default" always exists with an mlflow-artifacts location', async () => {
    const r = await get<{ experiment: Record<string, unknown> }>(url, 'experiments/get', { experiment_id: '0' });
    assert.equal(r.status, 200);
    assert.equal(r.body.experiment.name, 'Default');
    assert.equal(r.body.experiment.artifact_location, 'mlflow-artifacts:/0');
  });

  test('get-by-name of a missing experiment is 404 RESOURCE_DOES_NOT_EXIST (set_experiment relies on it)', async () => {
    const r = await get(url, 'experiments/get-by-name', { experiment_name: 'nope' });
    assert.equal(r.status, 404);
    assert.equal(r.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('every route is also under /ajax-api/2.0', async () => {
    const r = await fetch(`${url}/ajax-api/2.0/mlflow/experiments/get?experiment_id=0`);
    assert.equal(r.status, 200);
  });

  test('runs/create sets mlflow.runName, picks a name when none is given, and returns run_id and run_uuid', async () => {
    const exp = await post<{ experiment_id: string }>(url, 'experiments/create', { name: 'naming' });
    const named = await post<RunBody>(url, 'runs/create', { experiment_id: exp.body.experiment_id, run_name: 'given', start_time: 5 });
    assert.equal(named.body.run.info.run_name, 'given');
    assert.deepEqual(named.body.run.data.tags, [{ key: 'mlflow.runName', value: 'given' }]);
    assert.equal(named.body.run.info.run_uuid, named.body.run.info.run_id);
    assert.match(String(named.body.run.info.run_id), /^[0-9a-f]{32}$/);
    assert.equal(named.body.run.info.artifact_uri, `mlflow-artifacts:/${exp.body.experiment_id}/${named.body.run.info.run_id}/artifacts`);
    const unnamed = await post<RunBody>(url, 'runs/create', { experiment_id: exp.body.experiment_id });
    assert.match(String(unnamed.body.run.info.run_name), /^[a-z]+-[a-z]+-\d+$/);
  });

  test('int64 fields may be strings; NaN and ±Infinity travel as strings and come back so', async () => {
    const { runId } = await newRun(url, 'wire-forms');
    const r = await post(url, 'runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'nan', value: 'NaN', timestamp: '1700000000000', step: '3' },
        { key: 'inf', value: 'Infinity', timestamp: 1, step: 0 },
        { key: 'ninf', value: '-Infinity', timestamp: 1 },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const metrics = Object.fromEntries((await runDoc(runId)).data.metrics!.map((m) => [m.key, m]));
    assert.deepEqual(metrics.nan, { key: 'nan', value: 'NaN', timestamp: 1700000000000, step: 3 });
    assert.equal(metrics.inf!.value, 'Infinity');
    assert.equal(metrics.ninf!.value, '-Infinity');
    assert.equal(metrics.ninf!.step, 0);
  });

  test('data.metrics holds the latest value per key: highest step, then newest timestamp', async () => {
    const { runId } = await newRun(url, 'latest');
    await post(url, 'runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'm', value: 1, timestamp: 100, step: 5 },
        { key: 'm', value: 2, timestamp: 200, step: 4 },
        { key: 'm', value: 3, timestamp: 50, step: 5 },
        { key: 'm', value: 4, timestamp: 150, step: 5 },
      ],
    });
    const m = (await runDoc(runId)).data.metrics!.find((x) => x.key === 'm')!;
    assert.equal(m.value, 4);
    assert.equal((await fullHistory(url, runId, 'm')).length, 4);
  });

  test('params are immutable: the same value is fine, a different one is 400 and changes nothing', async () => {
    const { runId } = await newRun(url, 'params');
    assert.equal((await post(url, 'runs/log-parameter', { run_id: runId, run_uuid: runId, key: 'lr', value: '0.1' })).status, 200);
    assert.equal((await post(url, 'runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status, 200);
    const r = await post(url, 'runs/log-batch', {
      run_id: runId,
      params: [{ key: 'lr', value: '0.2' }],
      metrics: [{ key: 'x', value: 1, timestamp: 1, step: 0 }],
      tags: [{ key: 't', value: 'v' }],
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
    const run = await runDoc(runId);
    assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }]);
    assert.equal(run.data.metrics, undefined);
    assert.ok(!run.data.tags!.some((t) => t.key === 't'));
    assert.equal((await fullHistory(url, runId, 'x')).length, 0);
  });

  test('batch limits: 1001 metrics, 101 params, duplicate param keys are 400 and store nothing', async () => {
    const { runId } = await newRun(url, 'limits');
    const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }));
    assert.equal((await post(url, 'runs/log-batch', { run_id: runId, metrics })).status, 400);
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: '1' }));
    assert.equal((await post(url, 'runs/log-batch', { run_id: runId, params })).status, 400);
    const dup = await post(url, 'runs/log-batch', { run_id: runId, params: [{ key: 'a', value: '1' }, { key: 'a', value: '1' }] });
    assert.equal(dup.status, 400);
    const run = await runDoc(runId);
    assert.equal(run.data.params, undefined);
    assert.equal((await fullHistory(url, runId, 'm')).length, 0);
  });

  test('over-long values are truncated as MLflow does; over-long keys are refused', async () => {
    const { runId } = await newRun(url, 'lengths');
    assert.equal((await post(url, 'runs/log-parameter', { run_id: runId, key: 'long', value: 'x'.repeat(6001) })).status, 200);
    assert.equal((await post(url, 'runs/set-tag', { run_id: runId, key: 'longtag', value: 'y'.repeat(5001) })).status, 200);
    const run = await runDoc(runId);
    assert.equal(run.data.params!.find((p) => p.key === 'long')!.value.length, 6000);
    assert.equal(run.data.tags!.find((t) => t.key === 'longtag')!.value.length, 5000);
    const r = await post(url, 'runs/log-metric', { run_id: runId, key: 'k'.repeat(251), value: 1, timestamp: 1 });
    assert.equal(r.status, 400);
  });

  test('names that would resolve to other paths or contain odd characters are refused', async () => {
    const { runId } = await newRun(url, 'names');
    for (const key of ['bad/../key', '/abs', '..', 'a//b', 'semi;colon']) {
      const r = await post(url, 'runs/log-metric', { run_id: runId, key, value: 1, timestamp: 1, step: 0 });
      assert.equal(r.status, 400, key);
      assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
    }
    assert.equal((await post(url, 'runs/log-metric', { run_id: runId, key: 'val/acc top-1:x', value: 1, timestamp: 1 })).status, 200);
  });

  test('bad input gets a clear 400: wrong types, booleans as metric values, missing fields, bad JSON, bad content type', async () => {
    const { runId } = await newRun(url, 'bad-input');
    const cases: Array<[unknown, RegExp]> = [
      [{ run_id: runId, key: 'm', value: true, timestamp: 1 }, /value/],
      [{ run_id: runId, key: 'm', value: 'abc', timestamp: 1 }, /value/],
      [{ run_id: runId, key: 'm', value: 1 }, /timestamp/],
      [{ run_id: runId, value: 1, timestamp: 1 }, /key/],
      [{ key: 'm', value: 1, timestamp: 1 }, /run_id/],
      [{ run_id: runId, key: 'm', value: 1, timestamp: 1.5 }, /timestamp/],
    ];
    for (const [body, message] of cases) {
      const r = await post<{ error_code: string; message: string }>(url, 'runs/log-metric', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
      assert.match(r.body.message, message);
    }
    const badJson = await fetch(`${url}/api/2.0/mlflow/runs/log-metric`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"run_id": ' });
    assert.equal(badJson.status, 400);
    const text = await fetch(`${url}/api/2.0/mlflow/runs/log-metric`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    assert.equal(text.status, 400);
    assert.equal(((await text.json()) as { error_code: string }).error_code, 'INVALID_PARAMETER_VALUE');
    assert.equal((await fullHistory(url, runId, 'm')).length, 0);
  });

  test('a missing run is 404 RESOURCE_DOES_NOT_EXIST on every run endpoint', async () => {
    const ghost = 'f'.repeat(32);
    assert.equal((await get(url, 'runs/get', { run_id: ghost })).status, 404);
    assert.equal((await post(url, 'runs/log-metric', { run_id: ghost, key: 'm', value: 1, timestamp: 1 })).status, 404);
    assert.equal((await post(url, 'runs/update', { run_id: ghost, status: 'FINISHED' })).status, 404);
    assert.equal((await get(url, 'metrics/get-history', { run_id: ghost, metric_key: 'm' })).status, 404);
  });

  test('a malformed URL is a JSON 400, not the framework\'s own body', async () => {
    const bad = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/0/%zz`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error_code: string }).error_code, 'INVALID_PARAMETER_VALUE');
  });

  test('unknown routes are JSON 404 ENDPOINT_NOT_FOUND', async () => {
    const r = await fetch(`${url}/api/2.0/mlflow/runs/fly`);
    assert.equal(r.status, 404);
    assert.equal(((await r.json()) as { error_code: string }).error_code, 'ENDPOINT_NOT_FOUND');
  });

  test('update ends a run; delete and restore change its lifecycle and what search shows', async () => {
    const { experimentId, runId } = await newRun(url, 'lifecycle');
    const up = await post<{ run_info: Record<string, unknown> }>(url, 'runs/update', { run_id: runId, status: 'FAILED', end_time: 99, run_name: 'renamed' });
    assert.equal(up.body.run_info.status, 'FAILED');
    assert.equal(up.body.run_info.end_time, 99);
    assert.equal(up.body.run_info.run_name, 'renamed');
    assert.ok((await runDoc(runId)).data.tags!.some((t) => t.key === 'mlflow.runName' && t.value === 'renamed'));
    const ids = async (view: string) =>
      ((await post<{ runs?: Array<{ info: { run_id: string } }> }>(url, 'runs/search', { experiment_ids: [experimentId], run_view_type: view })).body.runs ?? []).map((r) => r.info.run_id);
    await post(url, 'runs/delete', { run_id: runId });
    assert.deepEqual(await ids('ACTIVE_ONLY'), []);
    assert.deepEqual(await ids('DELETED_ONLY'), [runId]);
    await post(url, 'runs/restore', { run_id: runId });
    assert.deepEqual(await ids('ACTIVE_ONLY'), [runId]);
  });

  test('tags can be overwritten and deleted', async () => {
    const { runId } = await newRun(url, 'tags');
    await post(url, 'runs/set-tag', { run_id: runId, key: 'stage', value: 'a' });
    await post(url, 'runs/set-tag', { run_id: runId, key: 'stage', value: 'b' });
    assert.equal((await runDoc(runId)).data.tags!.find((t) => t.key === 'stage')!.value, 'b');
    assert.equal((await post(url, 'runs/delete-tag', { run_id: runId, key: 'stage' })).status, 200);
    assert.ok(!(await runDoc(runId)).data.tags!.some((t) => t.key === 'stage'));
    assert.equal((await post(url, 'runs/delete-tag', { run_id: runId, key: 'stage' })).status, 404);
  });

  test('get-history pages 25 000 points at a time, in logging order', async () => {
    const { runId } = await newRun(url, 'history');
    for (let b = 0; b < 30; b++) {
      const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: b * 1000 + i, timestamp: 1, step: b * 1000 + i }));
      assert.equal((await post(url, 'runs/log-batch', { run_id: runId, metrics })).status, 200);
    }
    const first = await get<{ metrics: unknown[]; next_page_token?: string }>(url, 'metrics/get-history', { run_id: runId, metric_key: 'loss' });
    assert.equal(first.body.metrics.length, 25_000);
    assert.ok(first.body.next_page_token);
    const all = await fullHistory(url, runId, 'loss');
    assert.equal(all.length, 30_000);
    assert.deepEqual(all.slice(24_999, 25_001).map((p) => p.step), [24_999, 25_000]);
  });

  test('get-history-bulk-interval samples steps as MLflow does: evenly by index, the last step always, each run\'s first and last', async () => {
    const a = await newRun(url, 'bulk');
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: 'acc', value: i, timestamp: 1, step: i }));
    await post(url, 'runs/log-batch', { run_id: a.runId, metrics });
    type Bulk = { metrics: Array<{ run_id: string; step: number; timestamp: number }> };
    const r = await get<Bulk>(url, 'metrics/get-history-bulk-interval', { run_ids: [a.runId], metric_key: 'acc', start_step: 100, end_step: 899, max_results: 50 });
    assert.equal(r.status, 200);
    // MLflow keeps an index while it is below the count of steps in range: 100, 116, …, 788, then 899
    assert.deepEqual(r.body.metrics.map((m) => m.step), [...Array.from({ length: 44 }, (_, i) => 100 + 16 * i), 899]);
    assert.ok(r.body.metrics.every((m) => m.run_id === a.runId));

    // MLflow's own cases (test_get_metric_history_bulk_interval_respects_max_results)
    const b = await newRun(url, 'bulk-b');
    await post(url, 'runs/log-batch', { run_id: b.runId, metrics: Array.from({ length: 10 }, (_, i) => ({ key: 'm', value: 10, timestamp: 1, step: i })) });
    const steps = async (q: Record<string, string | number | string[]>) => (await get<Bulk>(url, 'metrics/get-history-bulk-interval', { metric_key: 'm', max_results: 5, ...q })).body.metrics.map((m) => `${m.run_id === b.runId ? 'b' : 'c'}${m.step}`);
    assert.deepEqual(await steps({ run_ids: [b.runId] }), ['b0', 'b2', 'b4', 'b6', 'b8', 'b9']);
    assert.deepEqual(await steps({ run_ids: [b.runId], start_step: 0, end_step: 4 }), ['b0', 'b1', 'b2', 'b3', 'b4']);
    const c = await newRun(url, 'bulk-c');
    await post(url, 'runs/log-batch', { run_id: c.runId, metrics: Array.from({ length: 20 }, (_, i) => ({ key: 'm', value: 10, timestamp: 1, step: i })) });
    assert.deepEqual(await steps({ run_ids: [b.runId, c.runId] }), ['b0', 'b4', 'b8', 'b9', 'c0', 'c4', 'c8', 'c9', 'c12', 'c16', 'c19']);
    // several points at one step all come, by timestamp
    await post(url, 'runs/log-batch', { run_id: b.runId, metrics: Array.from({ length: 10 }, (_, i) => ({ key: 'm', value: 10, timestamp: 2, step: i })) });
    const same = await get<Bulk>(url, 'metrics/get-history-bulk-interval', { run_ids: [b.runId], metric_key: 'm', max_results: 5 });
    assert.deepEqual(same.body.metrics.map((m) => [m.step, m.timestamp]), [0, 2, 4, 6, 8, 9].flatMap((s) => [[s, 1], [s, 2]]));
  });

  test('get-history-bulk-interval checks its request before looking up any run (400, in MLflow\'s words)', async () => {
    const cases: Array<[Record<string, string | number | string[]>, string]> = [
      [{ metric_key: 'k' }, "Missing value for required parameter 'run_ids'."],
      [{ run_ids: Array.from({ length: 101 }, (_, i) => `id_${i}`), metric_key: 'k' }, 'GetMetricHistoryBulkInterval request must specify at most 100 run_ids.'],
      [{ run_ids: ['123'], metric_key: 'k', max_results: 0 }, 'max_results must be between 1 and 2500'],
      [{ run_ids: ['123'], metric_key: '' }, "Missing value for required parameter 'metric_key'"],
      [{ run_ids: ['123'], max_results: 5 }, "Missing value for required parameter 'metric_key'"],
      [{ run_ids: ['123'], metric_key: 'k', start_step: 1, end_step: 0 }, 'end_step must be greater than start_step. Found start_step=1 and end_step=0.'],
      [{ run_ids: ['123'], metric_key: 'k', start_step: 1 }, 'If either start step or end step are specified, both must be specified.'],
    ];
    for (const [q, message] of cases) {
      const r = await get<{ message: string; error_code?: string }>(url, 'metrics/get-history-bulk-interval', q);
      assert.equal(r.status, 400, message);
      assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
      assert.ok(r.body.message.includes(message), r.body.message);
    }
  });

  test('get-history-bulk: every point of one metric of several runs, runs in id order, points by timestamp, step, value; max_results in all', async () => {
    const a = await newRun(url, 'bulk-all');
    const b = await newRun(url, 'bulk-all-b');
    const points = [
      { key: 'k', timestamp: 2, step: 3, value: 12 },
      { key: 'k', timestamp: 1, step: 3, value: 12 },
      { key: 'k', timestamp: 1, step: 3, value: 11 },
      { key: 'k', timestamp: 1, step: 2, value: 10 },
    ];
    for (const run of [a, b]) for (const p of points) await post(url, 'runs/log-metric', { run_id: run.runId, ...p });
    type Bulk = { metrics: Array<{ run_id: string; key: string; step: number; timestamp: number; value: number }> };
    const r = await get<Bulk>(url, 'metrics/get-history-bulk', { run_id: [b.runId, a.runId], metric_key: 'k' });
    assert.equal(r.status, 200);
    const sorted = [...points].sort((x, y) => x.timestamp - y.timestamp || x.step - y.step || x.value - y.value);
    const [first, second] = [a.runId, b.runId].sort();
    assert.deepEqual(r.body.metrics, [...sorted.map((p) => ({ ...p, run_id: first })), ...sorted.map((p) => ({ ...p, run_id: second }))]);
    const two = await get<Bulk>(url, 'metrics/get-history-bulk', { run_id: [a.runId], metric_key: 'k', max_results: 2 });
    assert.equal(two.body.metrics.length, 2);
    for (const [q, message] of [
      [{ metric_key: 'k' }, 'GetMetricHistoryBulk request must specify at least one run_id'],
      [{ run_id: Array.from({ length: 101 }, (_, i) => `id_${i}`), metric_key: 'k' }, 'GetMetricHistoryBulk request cannot specify more than 100'],
      [{ run_id: ['123'] }, 'GetMetricHistoryBulk request must specify a metric_key'],
    ] as Array<[Record<string, string | number | string[]>, string]>) {
      const bad = await get<{ message: string }>(url, 'metrics/get-history-bulk', q);
      assert.equal(bad.status, 400);
      assert.ok(bad.body.message.includes(message), bad.body.message);
    }
  });

  test('log-inputs stores datasets with their context tag, once', async () => {
    const { runId } = await newRun(url, 'inputs');
    const input = {
      tags: [{ key: 'mlflow.data.context', value: 'train' }],
      dataset: { name: 'iris', digest: 'abc123', source_type: 'local', source: '{"uri": "/d"}', schema: '{}' },
    };
    assert.equal((await post(url, 'runs/log-inputs', { run_id: runId, datasets: [input] })).status, 200);
    assert.equal((await post(url, 'runs/log-inputs', { run_id: runId, datasets: [input] })).status, 200);
    const run = (await get<{ run: { inputs: { dataset_inputs: unknown[] } } }>(url, 'runs/get', { run_id: runId })).body.run;
    assert.deepEqual(run.inputs.dataset_inputs, [input]);
  });

  test('a dataset logged again under other tags stays one input with its first tags, as in MLflow (3.x log_metric(dataset=) re-logs it untagged)', async () => {
    const { runId } = await newRun(url, 'inputs-again');
    const dataset = { name: 'train', digest: 'd1', source_type: 's3', source: '{"uri": "s3://b/t"}', schema: '{}' };
    const first = { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset };
    assert.equal((await post(url, 'runs/log-inputs', { run_id: runId, datasets: [first] })).status, 200);
    assert.equal((await post(url, 'runs/log-inputs', { run_id: runId, datasets: [{ dataset }] })).status, 200);
    assert.equal((await post(url, 'runs/log-inputs', { run_id: runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'eval' }], dataset }] })).status, 200);
    const run = (await get<{ run: { inputs: { dataset_inputs: unknown[] }; outputs?: unknown } }>(url, 'runs/get', { run_id: runId })).body.run;
    assert.deepEqual(run.inputs.dataset_inputs, [first]);
    assert.deepEqual(run.outputs, {}, 'outputs is there, empty, as MLflow 3 sends it');
  });

  test('log-model appends to the mlflow.log-model.history tag', async () => {
    const { runId } = await newRun(url, 'models');
    const model = { artifact_path: 'model', flavors: { sklearn: {} }, run_id: runId };
    assert.equal((await post(url, 'runs/log-model', { run_id: runId, model_json: JSON.stringify(model) })).status, 200);
    assert.equal((await post(url, 'runs/log-model', { run_id: runId, model_json: JSON.stringify({ ...model, artifact_path: 'm2' }) })).status, 200);
    const tag = (await runDoc(runId)).data.tags!.find((t) => t.key === 'mlflow.log-model.history')!;
    assert.deepEqual((JSON.parse(tag.value) as Array<{ artifact_path: string }>).map((m) => m.artifact_path), ['model', 'm2']);
    assert.equal((await post(url, 'runs/log-model', { run_id: runId, model_json: 'not json' })).status, 400);
  });

  test('experiments: duplicate names, rename, delete, restore, tags, search by name', async () => {
    const c = await post<{ experiment_id: string }>(url, 'experiments/create', { name: 'exp-a', tags: [{ key: 'team', value: 'ml' }] });
    const id = c.body.experiment_id;
    const dup = await post(url, 'experiments/create', { name: 'exp-a' });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.error_code, 'RESOURCE_ALREADY_EXISTS');
    assert.equal((await post(url, 'experiments/update', { experiment_id: id, new_name: 'exp-b' })).status, 200);
    assert.equal((await get(url, 'experiments/get-by-name', { experiment_name: 'exp-b' })).status, 200);
    assert.equal((await post(url, 'experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v' })).status, 200);
    const found = await post<{ experiments: Array<{ experiment_id: string; tags: unknown[] }> }>(url, 'experiments/search', { filter: "name LIKE 'exp-%'" });
    assert.deepEqual(found.body.experiments.map((e) => e.experiment_id), [id]);
    assert.equal(found.body.experiments[0]!.tags.length, 2);
    await post(url, 'experiments/delete', { experiment_id: id });
    assert.equal((await get<{ experiment: { lifecycle_stage: string } }>(url, 'experiments/get', { experiment_id: id })).body.experiment.lifecycle_stage, 'deleted');
    const createIn = await post(url, 'runs/create', { experiment_id: id });
    assert.equal(createIn.status, 400);
    await post(url, 'experiments/restore', { experiment_id: id });
    const viaGet = await get<{ experiments: unknown[] }>(url, 'experiments/search', { filter: "name = 'exp-b'", max_results: 10 });
    assert.equal(viaGet.body.experiments.length, 1);
  });

  test('a value of the wrong type is named with the value as MLflow prints it; a required one sent as null is missing', async () => {
    const { runId } = await newRun(url, 'messages');
    const raw = async (path: string, text: string) => {
      const res = await fetch(`${url}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
      return { status: res.status, body: (await res.json()) as { error_code: string; message: string } };
    };
    const cases: Array<[string, string, string]> = [
      ['experiments/create', '{"name": 123}', "Invalid value 123 for parameter 'name' supplied. Hint: Value was of type 'int'."],
      ['experiments/create', '{"name": "x", "artifact_location": 9.0}', "Invalid value 9.0 for parameter 'artifact_location' supplied. Hint: Value was of type 'float'."],
      ['experiments/create', '{"name": "x", "tags": "5"}', "Invalid value 5 for parameter 'tags' supplied. Hint: Value was of type 'str'."],
      ['runs/log-metric', '{"run_id": 31, "key": "m", "value": 41, "timestamp": 59}', "Invalid value 31 for parameter 'run_id' supplied"],
      ['runs/log-metric', `{"run_id": "${runId}", "key": "m", "value": 1, "timestamp": 1, "step": "foo"}`, "Invalid value foo for parameter 'step' supplied"],
      ['runs/log-metric', '{"run_id": null, "key": "m", "value": 1, "timestamp": 1}', "Missing value for required parameter 'run_id'"],
      ['runs/log-parameter', `{"run_id": "${runId}", "key": "k", "value": 41}`, "Invalid value 41 for parameter 'value' supplied"],
      ['runs/log-batch', `{"run_id": "${runId}", "metrics": [{"key": "mae", "value": 2.5}]}`, "Invalid value [{'key': 'mae', 'value': 2.5}] for parameter 'metrics' supplied"],
      ['runs/log-batch', `{"run_id": "${runId}", "tags": "foo"}`, "Invalid value foo for parameter 'tags' supplied"],
      ['runs/log-inputs', `{"run_id": "${runId}"}`, "Missing value for required parameter 'datasets'"],
      ['runs/search', '{"experiment_ids": ["0"], "max_results": 123456789}', "Invalid value 123456789 for parameter 'max_results' supplied"],
    ];
    for (const [path, text, message] of cases) {
      const r = await raw(path, text);
      assert.equal(r.status, 400, text);
      assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
      assert.ok(r.body.message.includes(message), `${text}: ${r.body.message}`);
    }
    // an MLflow 3 client logging only model inputs sends no datasets
    assert.equal((await post(url, 'runs/log-inputs', { run_id: runId, models: [] })).status, 200);
  });

  test('a relative local artifact_location is made absolute against the agent\'s working directory, as MLflow does', async () => {
    const made = await post<{ experiment_id: string }>(url, 'experiments/create', { name: 'relative-location', artifact_location: 'my_location' });
    const e = await get<{ experiment: { artifact_location: string } }>(url, 'experiments/get', { experiment_id: made.body.experiment_id });
    assert.equal(e.body.experiment.artifact_location, `${process.cwd()}/my_location`);
    const remote = await post<{ experiment_id: string }>(url, 'experiments/create', { name: 'remote-location', artifact_location: 's3://b/p' });
    assert.equal((await get<{ experiment: { artifact_location: string } }>(url, 'experiments/get', { experiment_id: remote.body.experiment_id })).body.experiment.artifact_location, 's3://b/p');
  });
});
