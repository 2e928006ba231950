/**
 * The endpoints MLflow's server adds for its UI, outside the protos, as MLflow's own tests
 * (tests/tracking/test_rest_tracking.py at v2.12.2) call them: search-datasets,
 * create-promptlab-run, upload-artifact and gateway-proxy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { get, newRun, post } from '../support/mlflowHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

type Err = { error_code?: string; message?: string };

describe('MLflow UI endpoints', () => {
  let a: StartedAgent;
  before(async () => {
    a = await startAgent();
  });
  after(() => a.close());

  const ajax = (path: string) => `${a.url}/ajax-api/2.0/mlflow/${path}`;
  const assert400 = (r: { status: number; body: Err }, message: string) => {
    assert.equal(r.status, 400, message);
    assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
    assert.ok(r.body.message?.includes(message), r.body.message);
  };

  test('experiments/search-datasets lists each dataset a run of the experiments used, with its context, once', async () => {
    const { experimentId, runId } = await newRun(a.url, 'datasets');
    const input = { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: { name: 'name1', digest: 'digest1', source_type: 't', source: 's' } };
    await post(a.url, 'runs/log-inputs', { run_id: runId, datasets: [input] });
    const second = await post<{ run: { info: { run_id: string } } }>(a.url, 'runs/create', { experiment_id: experimentId });
    await post(a.url, 'runs/log-inputs', { run_id: second.body.run.info.run_id, datasets: [input] });
    const r = await post<{ dataset_summaries: unknown[] }>(a.url, 'experiments/search-datasets', { experiment_ids: [experimentId] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.dataset_summaries, [{ experiment_id: experimentId, name: 'name1', digest: 'digest1', context: 'training' }]);
    assert400(await post(a.url, 'experiments/search-datasets', {}), 'SearchDatasets request must specify at least one experiment_id.');
    assert400(await post(a.url, 'experiments/search-datasets', { experiment_ids: Array.from({ length: 21 }, (_, i) => `${i}`) }), 'SearchDatasets request cannot specify more than 20');
  });

  test('runs/create-promptlab-run checks its fields in MLflow\'s order, then records a finished run with the evaluation table', async () => {
    const full: Record<string, unknown> = {
      experiment_id: '0',
      run_name: 'my_run_name',
      prompt_template: 'my_prompt_template',
      prompt_parameters: [{ key: 'my_key', value: 'my_value' }],
      model_route: 'my_route',
      model_parameters: [{ key: 'temperature', value: '0.1' }],
      model_input: 'my_input',
      model_output: 'my_output',
      model_output_parameters: [{ key: 'latency', value: '100' }],
      mlflow_version: '1.0.0',
      user_id: 'username',
      start_time: 456,
    };
    const order = ['experiment_id', 'prompt_template', 'prompt_parameters', 'model_route', 'model_input', 'mlflow_version'];
    for (const [i, field] of order.entries()) {
      const partial = Object.fromEntries(order.slice(0, i).map((f) => [f, full[f]]));
      assert400(await post(a.url, 'runs/create-promptlab-run', partial), `CreatePromptlabRun request must specify ${field}.`);
    }
    type RunReply = { run: { info: { run_id: string; run_name: string; user_id: string; status: string; start_time: number }; data: { params: unknown[]; tags: unknown[] } } };
    const r = await post<RunReply>(a.url, 'runs/create-promptlab-run', full);
    assert.equal(r.status, 200);
    const { info, data } = r.body.run;
    assert.deepEqual([info.run_name, info.user_id, info.status, info.start_time], ['my_run_name', 'username', 'FINISHED', 456]);
    for (const p of [{ key: 'model_route', value: 'my_route' }, { key: 'prompt_template', value: 'my_prompt_template' }, { key: 'temperature', value: '0.1' }]) assert.ok(data.params.some((x) => JSON.stringify(x) === JSON.stringify(p)));
    assert.ok(data.tags.some((x) => JSON.stringify(x) === JSON.stringify({ key: 'mlflow.loggedArtifacts', value: '[{"path": "eval_results_table.json", "type": "table"}]' })));
    const table = await fetch(`${a.url}/get-artifact?run_uuid=${info.run_id}&path=eval_results_table.json`);
    assert.deepEqual(await table.json(), { columns: ['my_key', 'prompt', 'output', 'latency'], data: [['my_value', 'my_input', 'my_output', '100']] });
  });

  test('upload-artifact writes the raw body into the run\'s folder; its checks come in MLflow\'s order and words', async () => {
    const { runId } = await newRun(a.url, 'upload');
    const up = async (query: string, body?: string) => {
      const res = await fetch(`${ajax('upload-artifact')}?${query}`, { method: 'POST', ...(body !== undefined ? { body } : {}) });
      return { status: res.status, body: (await res.json()) as Err };
    };
    assert.equal((await up(`run_uuid=${runId}&path=test.txt`, 'hello world')).status, 200);
    assert.equal(await (await fetch(`${a.url}/get-artifact?run_uuid=${runId}&path=test.txt`)).text(), 'hello world');
    assert400(await up(''), 'Request must specify run_uuid.');
    assert400(await up(`run_uuid=${runId}`), 'Request must specify path.');
    assert400(await up(`run_uuid=${runId}&path=`), 'Request must specify path.');
    assert400(await up(`run_uuid=${runId}&path=../test.txt`), 'Invalid path');
    assert400(await up(`run_uuid=${runId}&path=test.txt`), 'Request must specify data.');
  });

  test('gateway-proxy answers as MLflow\'s server with no deployments target: no endpoints', async () => {
    const r = await get<{ endpoints: unknown[] }>(a.url, 'gateway-proxy');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { endpoints: [] });
  });

  test('paths given to the artifact routes are refused with MLflow\'s exact body', async () => {
    const { runId } = await newRun(a.url, 'paths');
    for (const url of [
      `${a.url}/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=../path`,
      `${a.url}/get-artifact?run_id=${runId}&path=../path`,
      `${a.url}/model-versions/get-artifact?name=model&version=1&path=../path`,
      `${a.url}//model-versions/get-artifact?name=model&version=1&path=../path`,
    ]) {
      const res = await fetch(url);
      assert.equal(res.status, 400, url);
      assert.deepEqual(await res.json(), { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' });
    }
  });

  test('traces: recording one is 501 NOT_IMPLEMENTED saying lablog does not store traces; searches find none', async () => {
    for (const path of ['/api/3.0/mlflow/traces', '/api/2.0/mlflow/traces']) {
      const res = await fetch(`${a.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(res.status, 501, path);
      const body = (await res.json()) as Err;
      assert.equal(body.error_code, 'NOT_IMPLEMENTED');
      assert.ok(body.message?.includes('lablog does not store traces'));
    }
    const v3 = await fetch(`${a.url}/api/3.0/mlflow/traces/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"locations": []}' });
    assert.deepEqual(await v3.json(), { traces: [] });
    assert.deepEqual((await get(a.url, 'traces', { experiment_ids: '0' })).body, { traces: [] });
    // below 3.4 on purpose: an MLflow 3 client then sends no OTLP spans
    assert.equal(await (await fetch(`${a.url}/version`)).text(), '2.12.2');
  });
});
