/**
 * MLflow 3 logged models, over real sockets, the way a 3.x client's `log_model` drives them:
 * create (PENDING) → runs/outputs → artifact uploads under the model's own folder → finalize
 * READY; then get, search, tags, params, artifact listing, deletion.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS, getArtifact, listArtifacts, putArtifact } from '../support/artifactHttp.js';
import { get, newRun, post, type Reply } from '../support/mlflowHttp.js';
import { send } from '../support/registryHttp.js';
import { ENGINES, engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';

interface KeyValue {
  key: string;
  value: string;
}
interface LoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    artifact_uri: string;
    status: string;
    source_run_id?: string;
    model_type?: string;
    creation_timestamp_ms: number;
    last_updated_timestamp_ms: number;
    tags?: KeyValue[];
  };
  data: { params?: KeyValue[] };
}

for (const engine of ENGINES) {
  const skip = await engineMissing(engine);
  describe(`MLflow 3 logged models (${engine})`, { skip }, () => {
    let a: EngineAgent;
    let exp: string;
    let run: string;

    const create = async (body: Record<string, unknown>): Promise<LoggedModel> => {
      const r = await post<{ model: LoggedModel }>(a.url, 'logged-models', { experiment_id: exp, ...body });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.model;
    };
    const getModel = (id: string) => get<{ model: LoggedModel }>(a.url, `logged-models/${id}`);
    const search = (body: Record<string, unknown>) => post<{ models?: LoggedModel[]; next_page_token?: string }>(a.url, 'logged-models/search', { experiment_ids: [exp], ...body });
    const names = (r: Reply<{ models?: LoggedModel[] }>) => (r.body.models ?? []).map((m) => m.info.name);

    before(async () => {
      a = await startEngineAgent(engine);
      ({ experimentId: exp, runId: run } = await newRun(a.url, 'logged-models'));
    });
    after(() => a.close());

    test('log_model as a 3.x client does it: create, link to the run, upload, finalize', async () => {
      const model = await create({
        name: 'model',
        model_type: 'sklearn',
        source_run_id: run,
        params: [{ key: 'alpha', value: '0.5' }],
        tags: [{ key: 'mlflow.source.name', value: 'train.ipynb' }],
      });
      assert.match(model.info.model_id, /^m-[0-9a-f]{32}$/);
      assert.equal(model.info.status, 'LOGGED_MODEL_PENDING');
      assert.equal(model.info.artifact_uri, `mlflow-artifacts:/${exp}/models/${model.info.model_id}/artifacts`);
      assert.equal(model.info.source_run_id, run);
      assert.deepEqual(model.data.params, [{ key: 'alpha', value: '0.5' }]);

      const out = await post(a.url, 'runs/outputs', { run_id: run, models: [{ model_id: model.info.model_id, step: 0 }] });
      assert.deepEqual(out, { status: 200, body: {} });
      const runView = await get<{ run: { outputs?: { model_outputs: unknown[] } } }>(a.url, 'runs/get', { run_id: run });
      assert.deepEqual(runView.body.run.outputs, { model_outputs: [{ model_id: model.info.model_id, step: 0 }] });

      const files = `${a.url}${ARTIFACTS}/${exp}/models/${model.info.model_id}/artifacts`;
      assert.equal((await putArtifact(`${files}/MLmodel`, 'artifact_path: model', 'text/plain')).status, 200);
      assert.equal((await putArtifact(`${files}/model.pkl`, new Uint8Array([0x80, 4, 0x95]))).status, 200);
      assert.deepEqual([...(await getArtifact(`${files}/model.pkl`)).body], [0x80, 4, 0x95]);
      assert.deepEqual((await listArtifacts(a.url, `${exp}/models/${model.info.model_id}/artifacts`)).files, [
        { path: 'MLmodel', is_dir: false, file_size: 20 },
        { path: 'model.pkl', is_dir: false, file_size: 3 },
      ]);

      const done = await send<{ model: LoggedModel }>(a.url, 'PATCH', `logged-models/${model.info.model_id}`, { model_id: model.info.model_id, status: 'LOGGED_MODEL_READY' });
      assert.equal(done.status, 200);
      assert.equal(done.body.model.info.status, 'LOGGED_MODEL_READY');
      assert.equal((await getModel(model.info.model_id)).body.model.info.status, 'LOGGED_MODEL_READY');
    });

    test('finalize takes the status as enum name or number', async () => {
      const m = await create({ name: 'numbered' });
      const r = await send<{ model: LoggedModel }>(a.url, 'PATCH', `logged-models/${m.info.model_id}`, { status: 3 });
      assert.equal(r.body.model.info.status, 'LOGGED_MODEL_UPLOAD_FAILED');
      assert.equal((await send(a.url, 'PATCH', `logged-models/${m.info.model_id}`, { status: 'READY' })).status, 400);
      assert.equal((await send(a.url, 'PATCH', `logged-models/${m.info.model_id}`, { status: 'LOGGED_MODEL_STATUS_UNSPECIFIED' })).status, 400);
    });

    test('a model without a name gets one; an unknown or deleted experiment is refused', async () => {
      const m = await create({});
      assert.match(m.info.name, /^[a-z]+-[a-z]+-\d+$/);
      const unknown = await post(a.url, 'logged-models', { experiment_id: '987654' });
      assert.equal(unknown.status, 404);
      const doomed = await post<{ experiment_id: string }>(a.url, 'experiments/create', { name: 'doomed-lm' });
      await post(a.url, 'experiments/delete', { experiment_id: doomed.body.experiment_id });
      assert.equal((await post(a.url, 'logged-models', { experiment_id: doomed.body.experiment_id })).status, 400);
      assert.equal((await post(a.url, 'logged-models', {})).status, 400);
    });

    test('tags are set and deleted; deleting a missing tag is 404', async () => {
      const m = await create({ name: 'tagged', tags: [{ key: 'a', value: '1' }] });
      const set = await send<{ model: LoggedModel }>(a.url, 'PATCH', `logged-models/${m.info.model_id}/tags`, { tags: [{ key: 'b', value: '2' }, { key: 'a', value: '3' }] });
      assert.equal(set.status, 200);
      const tags = (await getModel(m.info.model_id)).body.model.info.tags;
      assert.deepEqual(new Map(tags?.map((t) => [t.key, t.value])), new Map([['a', '3'], ['b', '2']]));
      const long = 'k'.repeat(200);
      await send(a.url, 'PATCH', `logged-models/${m.info.model_id}/tags`, { tags: [{ key: long, value: 'v' }] });
      const del = await fetch(`${a.url}/api/2.0/mlflow/logged-models/${m.info.model_id}/tags/${long}`, { method: 'DELETE' });
      assert.equal(del.status, 200);
      await del.arrayBuffer();
      const delA = await fetch(`${a.url}/api/2.0/mlflow/logged-models/${m.info.model_id}/tags/a`, { method: 'DELETE' });
      assert.equal(delA.status, 200);
      await delA.arrayBuffer();
      assert.deepEqual((await getModel(m.info.model_id)).body.model.info.tags, [{ key: 'b', value: '2' }]);
      const missing = await fetch(`${a.url}/api/2.0/mlflow/logged-models/${m.info.model_id}/tags/a`, { method: 'DELETE' });
      assert.equal(missing.status, 404);
      assert.equal(((await missing.json()) as { error_code: string }).error_code, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('params are added; changing one is refused and changes nothing', async () => {
      const m = await create({ name: 'params', params: [{ key: 'lr', value: '0.1' }] });
      assert.deepEqual(await post(a.url, `logged-models/${m.info.model_id}/params`, { params: [{ key: 'depth', value: '3' }, { key: 'lr', value: '0.1' }] }), { status: 200, body: {} });
      const changed = await post<{ error_code: string }>(a.url, `logged-models/${m.info.model_id}/params`, { params: [{ key: 'epochs', value: '9' }, { key: 'lr', value: '0.2' }] });
      assert.equal(changed.status, 400);
      assert.equal(changed.body.error_code, 'INVALID_PARAMETER_VALUE');
      const params = (await getModel(m.info.model_id)).body.model.data.params;
      assert.deepEqual(new Map(params?.map((p) => [p.key, p.value])), new Map([['lr', '0.1'], ['depth', '3']]));
    });

    test('search filters by name, status, attributes, params and tags, orders and pages', async () => {
      const { experimentId } = await newRun(a.url, 'lm-search');
      const inExp = (body: Record<string, unknown>) => post<{ experiment_id: string; models?: LoggedModel[]; next_page_token?: string }>(a.url, 'logged-models/search', { experiment_ids: [experimentId], ...body });
      const made: LoggedModel[] = [];
      for (const [name, type, tag] of [['alpha', 'sklearn', 'x'], ['beta', 'torch', 'y'], ['gamma', 'sklearn', 'y']] as const) {
        const r = await post<{ model: LoggedModel }>(a.url, 'logged-models', { experiment_id: experimentId, name, model_type: type, tags: [{ key: 'team', value: tag }], params: [{ key: 'n', value: name.length.toString() }] });
        made.push(r.body.model);
      }
      await send(a.url, 'PATCH', `logged-models/${made[1]!.info.model_id}`, { status: 'LOGGED_MODEL_READY' });

      assert.deepEqual(names(await inExp({})), ['gamma', 'beta', 'alpha'], 'newest first by default');
      assert.deepEqual(names(await inExp({ filter: "name = 'beta'" })), ['beta']);
      assert.deepEqual(names(await inExp({ filter: "attributes.name LIKE '%a' AND model_type = 'sklearn'" })), ['gamma', 'alpha']);
      assert.deepEqual(names(await inExp({ filter: "status = 'READY'" })), ['beta']);
      assert.deepEqual(names(await inExp({ filter: "status = 'LOGGED_MODEL_PENDING'" })), ['gamma', 'alpha']);
      assert.deepEqual(names(await inExp({ filter: "tags.team = 'y'" })), ['gamma', 'beta']);
      assert.deepEqual(names(await inExp({ filter: "params.n = '4'" })), ['beta']);
      assert.deepEqual(names(await inExp({ filter: `model_id IN ('${made[0]!.info.model_id}', '${made[2]!.info.model_id}')` })), ['gamma', 'alpha']);
      assert.deepEqual(names(await inExp({ filter: `creation_timestamp >= ${made[0]!.info.creation_timestamp_ms}` })).length, 3);
      assert.deepEqual(names(await inExp({ filter: 'metrics.acc > 0.5' })), [], 'no model has metrics yet: nothing matches');
      assert.deepEqual(names(await inExp({ order_by: [{ field_name: 'name', ascending: true }] })), ['alpha', 'beta', 'gamma']);
      assert.deepEqual(names(await inExp({ order_by: [{ field_name: 'model_type', ascending: false }, { field_name: 'name' }] })), ['beta', 'alpha', 'gamma']);

      const first = await inExp({ max_results: 2, order_by: [{ field_name: 'name' }] });
      assert.deepEqual(names(first), ['alpha', 'beta']);
      assert.ok(first.body.next_page_token);
      const second = await inExp({ max_results: 2, order_by: [{ field_name: 'name' }], page_token: first.body.next_page_token });
      assert.deepEqual(names(second), ['gamma']);
      assert.equal(second.body.next_page_token, undefined);

      assert.deepEqual(names(await search({ filter: "name = 'beta'" })), [], 'other experiments are not searched');
      for (const filter of ["bogus = 'x'", "name = 'a' OR name = 'b'", 'datasets.name = "x"']) {
        assert.equal((await inExp({ filter })).status, 400, filter);
      }
      assert.equal((await inExp({ order_by: [{ field_name: 'params.n' }] })).status, 400);
      assert.equal((await post(a.url, 'logged-models/search', {})).status, 400, 'experiment_ids is required');
    });

    test('artifacts/directories lists the model\'s files relative to its artifact root', async () => {
      const m = await create({ name: 'listed' });
      const files = `${a.url}${ARTIFACTS}/${exp}/models/${m.info.model_id}/artifacts`;
      await putArtifact(`${files}/MLmodel`, 'x');
      await putArtifact(`${files}/data/model.pkl`, 'xy');
      const root = await get(a.url, `logged-models/${m.info.model_id}/artifacts/directories`);
      assert.deepEqual(root.body, { root_uri: m.info.artifact_uri, files: [{ path: 'MLmodel', is_dir: false, file_size: 1 }, { path: 'data', is_dir: true }] });
      const sub = await get(a.url, `logged-models/${m.info.model_id}/artifacts/directories`, { artifact_directory_path: 'data' });
      assert.deepEqual(sub.body.files, [{ path: 'data/model.pkl', is_dir: false, file_size: 2 }]);
      assert.equal((await get(a.url, `logged-models/${m.info.model_id}/artifacts/directories`, { artifact_directory_path: '../..' })).status, 400);
    });

    test('a model\'s artifact path must name the model\'s own experiment', async () => {
      const m = await create({ name: 'elsewhere' });
      const wrong = await putArtifact(`${a.url}${ARTIFACTS}/0/models/${m.info.model_id}/artifacts/x.txt`, 'x');
      assert.equal(wrong.status, 404);
      const unknown = await putArtifact(`${a.url}${ARTIFACTS}/${exp}/models/m-${'0'.repeat(32)}/artifacts/x.txt`, 'x');
      assert.equal(unknown.status, 404);
    });

    test('a deleted model is gone: get, search, artifacts and outputs all say so', async () => {
      const m = await create({ name: 'deleted-one' });
      const del = await send(a.url, 'DELETE', `logged-models/${m.info.model_id}`, { model_id: m.info.model_id });
      assert.deepEqual(del, { status: 200, body: {} });
      const gone = await getModel(m.info.model_id);
      assert.equal(gone.status, 404);
      assert.equal((gone.body as unknown as { error_code: string }).error_code, 'RESOURCE_DOES_NOT_EXIST');
      assert.ok(!names(await search({})).includes('deleted-one'));
      assert.equal((await putArtifact(`${a.url}${ARTIFACTS}/${exp}/models/${m.info.model_id}/artifacts/x`, 'x')).status, 404);
      assert.equal((await post(a.url, 'runs/outputs', { run_id: run, models: [{ model_id: m.info.model_id, step: 1 }] })).status, 404);
      assert.equal((await send(a.url, 'DELETE', `logged-models/${m.info.model_id}`, {})).status, 404);
    });

    test('metrics logged to a run with a model_id (MLflow 3 log_metric) are the model\'s metrics too: the latest per key and dataset, the run keeping every point', async () => {
      const m = await create({ name: 'scored' });
      const id = m.info.model_id;
      await post(a.url, 'runs/log-metric', { run_id: run, key: 'acc', value: 0.5, timestamp: 1, step: 1, model_id: id, dataset_name: 'eval', dataset_digest: 'd1' });
      await post(a.url, 'runs/log-metric', { run_id: run, key: 'acc', value: 0.75, timestamp: 2, step: 2, model_id: id, dataset_name: 'eval', dataset_digest: 'd1' });
      await post(a.url, 'runs/log-batch', { run_id: run, metrics: [{ key: 'acc', value: 0.6, timestamp: 3, step: 2, model_id: id }, { key: 'loss', value: 'NaN', timestamp: 3, step: 0, model_id: id }, { key: 'plain', value: 1, timestamp: 3 }] });
      type Metrics = { model: { data: { metrics?: Array<Record<string, unknown>> } } };
      const got = (await get<Metrics>(a.url, `logged-models/${id}`)).body.model.data.metrics ?? [];
      assert.deepEqual(got, [
        { key: 'acc', value: 0.75, timestamp: 2, step: 2, model_id: id, run_id: run, dataset_name: 'eval', dataset_digest: 'd1' },
        { key: 'acc', value: 0.6, timestamp: 3, step: 2, model_id: id, run_id: run },
        { key: 'loss', value: 'NaN', timestamp: 3, step: 0, model_id: id, run_id: run },
      ]);
      const history = await get<{ metrics: unknown[] }>(a.url, 'metrics/get-history', { run_id: run, metric_key: 'acc' });
      assert.equal(history.body.metrics.length, 3);
      // an unknown model is 404 and the run gets nothing
      const unknown = await post(a.url, 'runs/log-metric', { run_id: run, key: 'x', value: 1, timestamp: 1, model_id: `m-${'0'.repeat(32)}` });
      assert.equal(unknown.status, 404);
      assert.equal((await get<{ metrics?: unknown[] }>(a.url, 'metrics/get-history', { run_id: run, metric_key: 'x' })).body.metrics?.length ?? 0, 0);
      // one batch, one operation: a deleted model refuses the whole batch, the other model's metrics and the run's points too
      const gone = await create({ name: 'gone' });
      assert.equal((await send(a.url, 'DELETE', `logged-models/${gone.info.model_id}`, {})).status, 200);
      const mixed = await post(a.url, 'runs/log-batch', { run_id: run, metrics: [{ key: 'y', value: 1, timestamp: 4, step: 9, model_id: id }, { key: 'y', value: 2, timestamp: 4, step: 9, model_id: gone.info.model_id }] });
      assert.equal(mixed.status, 404);
      assert.equal((await get<{ metrics?: unknown[] }>(a.url, 'metrics/get-history', { run_id: run, metric_key: 'y' })).body.metrics?.length ?? 0, 0);
      assert.deepEqual((await get<Metrics>(a.url, `logged-models/${id}`)).body.model.data.metrics ?? [], got);
    });

    test('search by metrics: a filter matches any of the model\'s values, order_by takes its latest, models without the metric last', async () => {
      const { experimentId, runId } = await newRun(a.url, 'lm-metrics');
      const inExp = (body: Record<string, unknown>) => post<{ models?: LoggedModel[] }>(a.url, 'logged-models/search', { experiment_ids: [experimentId], ...body });
      const scores: Array<[string, number[]]> = [['low', [0.9, 0.2]], ['mid', [0.5]], ['high', [0.8]], ['none', []]];
      for (const [name, values] of scores) {
        const m = (await post<{ model: LoggedModel }>(a.url, 'logged-models', { experiment_id: experimentId, name })).body.model;
        for (const [i, value] of values.entries()) {
          await post(a.url, 'runs/log-metric', { run_id: runId, key: 'score', value, timestamp: 10 + i, step: i, model_id: m.info.model_id, dataset_name: `ds${i}`, dataset_digest: 'd' });
        }
      }
      assert.deepEqual(names(await inExp({ filter: 'metrics.score > 0.6' })).sort(), ['high', 'low'], 'low once scored 0.9');
      assert.deepEqual(names(await inExp({ filter: "metrics.score > 0.6 AND name = 'high'" })), ['high']);
      assert.deepEqual(names(await inExp({ order_by: [{ field_name: 'metrics.score', ascending: false }] })), ['high', 'mid', 'low', 'none']);
      assert.deepEqual(names(await inExp({ order_by: [{ field_name: 'metrics.score', ascending: true }] })), ['low', 'mid', 'high', 'none']);
      const one = (await inExp({ filter: "name = 'none'" })).body.models![0]!;
      assert.equal(one.info.model_type, '', 'model_type is sent, empty, as MLflow 3 sends it');
    });

    test('a model version made from a logged model gets the model\'s run, and the model lists its versions in mlflow.modelVersions', async () => {
      const m = await create({ name: 'to-register', source_run_id: run });
      const id = m.info.model_id;
      await post(a.url, 'registered-models/create', { name: 'from-logged' });
      const v1 = await post<{ model_version: { version: string; run_id?: string } }>(a.url, 'model-versions/create', { name: 'from-logged', source: `models:/${id}`, model_id: id });
      assert.equal(v1.status, 200, JSON.stringify(v1.body));
      assert.equal(v1.body.model_version.run_id, run);
      const v2 = await post<{ model_version: { version: string } }>(a.url, 'model-versions/create', { name: 'from-logged', source: `models:/${id}` });
      assert.equal(v2.body.model_version.version, '2');
      const tags = (await get<{ model: LoggedModel }>(a.url, `logged-models/${id}`)).body.model.info.tags ?? [];
      // written as MLflow's server writes it (Python's json.dumps, versions as numbers)
      assert.equal(tags.find((t) => t.key === 'mlflow.modelVersions')?.value, '[{"name": "from-logged", "version": 1}, {"name": "from-logged", "version": 2}]');
      // a models:/ source of a model this agent does not know is registered as given (the registry may live apart)
      const elsewhere = await post<{ model_version: { run_id?: string } }>(a.url, 'model-versions/create', { name: 'from-logged', source: `models:/m-${'1'.repeat(32)}`, run_id: 'abc' });
      assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
      assert.equal(elsewhere.body.model_version.run_id, 'abc');
    });

    test('runs/outputs does not double an output and survives a restart of the agent', async () => {
      const m = await create({ name: 'persisted', params: [{ key: 'k', value: 'v' }] });
      for (let i = 0; i < 2; i++) await post(a.url, 'runs/outputs', { run_id: run, models: [{ model_id: m.info.model_id, step: 5 }] });
      const outputs = async (base: string) =>
        (await get<{ run: { outputs?: { model_outputs: Array<{ model_id: string; step: number }> } } }>(base, 'runs/get', { run_id: run })).body.run.outputs?.model_outputs.filter((o) => o.model_id === m.info.model_id);
      assert.deepEqual(await outputs(a.url), [{ model_id: m.info.model_id, step: 5 }]);

      const { createAgent } = await import('lablog');
      await a.agent.close();
      const reopened = await createAgent({ store: a.store, files: a.storeDir });
      try {
        const url = await reopened.listen(0);
        assert.deepEqual(await outputs(url), [{ model_id: m.info.model_id, step: 5 }]);
        const again = await get<{ model: LoggedModel }>(url, `logged-models/${m.info.model_id}`);
        assert.equal(again.body.model.info.name, 'persisted');
        assert.deepEqual(again.body.model.data.params, [{ key: 'k', value: 'v' }]);
      } finally {
        await reopened.close();
      }
    });
  });
}
