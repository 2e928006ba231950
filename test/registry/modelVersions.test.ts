/**
 * Model versions over a real socket: READY at once, numbered per model, sources checked and
 * resolved for download, update, delete, tags, and stage transitions with
 * archive_existing_versions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { get, newRun } from '../support/mlflowHttp.js';
import { createModel, createVersion, getModel, getVersion, send, transition, type Version } from '../support/registryHttp.js';
import { ENGINES, engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';

for (const engine of ENGINES) {
  const skip = await engineMissing(engine);
  describe(`model versions (${engine})`, { skip }, () => {
    let started: EngineAgent;
    let url: string;
    before(async () => {
      started = await startEngineAgent(engine);
      url = started.url;
    });
    after(() => started.close());

    const stageOf = async (name: string, version: string) => (await getVersion(url, name, version)).body.model_version.current_stage;

    test('create answers READY in stage None, numbered "1", "2", … per model, with the source as given', async () => {
      const { runId } = await newRun(url, 'mv-create');
      await createModel(url, 'a');
      await createModel(url, 'b');
      const source = `mlflow-artifacts:/1/${runId}/artifacts/model`;
      const v1 = await createVersion(url, 'a', source, { run_id: runId, description: 'first', run_link: 'http://x', tags: [{ key: 'k', value: 'v' }] });
      assert.equal(v1.version, '1');
      assert.equal(v1.status, 'READY');
      assert.equal(v1.current_stage, 'None');
      assert.equal(v1.source, source);
      assert.equal(v1.run_id, runId);
      assert.equal(v1.description, 'first');
      assert.equal(v1.run_link, 'http://x');
      assert.deepEqual(v1.tags, [{ key: 'k', value: 'v' }]);
      assert.equal((await createVersion(url, 'a')).version, '2');
      assert.equal((await createVersion(url, 'b')).version, '1');
      const got = await getVersion(url, 'a', '1');
      assert.equal(got.status, 200);
      assert.deepEqual(got.body.model_version, v1);
      // creating a version touches the model
      assert.ok((await getModel(url, 'a')).body.registered_model.last_updated_timestamp >= v1.creation_timestamp);
    });

    test('a missing version is 404; a version that is not a number is 400', async () => {
      await createModel(url, 'numbers');
      const missing = await getVersion(url, 'numbers', '7');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
      const nan = await getVersion(url, 'numbers', 'one');
      assert.equal(nan.status, 400);
      assert.equal(nan.body.error_code, 'INVALID_PARAMETER_VALUE');
      const noSource = await send(url, 'POST', 'model-versions/create', { name: 'numbers' });
      assert.equal(noSource.status, 400);
    });

    test('local paths outside the run and sources with .. are refused, as the MLflow server refuses them', async () => {
      await createModel(url, 'sources');
      for (const source of ['/etc/passwd', 'file:///etc', 'mlflow-artifacts:/0/r/artifacts/../../../etc', 'mlflow-artifacts:/0/r/%2e%2e/%2e%2e/x', 'http://h/a/%00']) {
        const r = await send(url, 'POST', 'model-versions/create', { name: 'sources', source });
        assert.equal(r.status, 400, source);
        assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
      }
      const none = await get<{ model_versions?: Version[] }>(url, 'model-versions/search', { filter: "name = 'sources'" });
      assert.deepEqual(none.body.model_versions ?? [], []);
    });

    test('a run_id that is no run of this agent is stored as given for a remote source (the registry may live apart from tracking), and is 404 for a local one', async () => {
      await createModel(url, 'elsewhere');
      const v = await createVersion(url, 'elsewhere', 's3://bucket/model', { run_id: 'a-run-tracked-elsewhere' });
      assert.equal(v.run_id, 'a-run-tracked-elsewhere');
      assert.equal((await getVersion(url, 'elsewhere', '1')).body.model_version.run_id, 'a-run-tracked-elsewhere');
      const local = await send(url, 'POST', 'model-versions/create', { name: 'elsewhere', source: '/tmp/model', run_id: 'a-run-tracked-elsewhere' });
      assert.equal(local.status, 404);
      assert.equal(local.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('get-download-uri resolves runs:/ to the run\'s artifact folder and models:/ to that version; other sources as given', async () => {
      const { experimentId, runId } = await newRun(url, 'mv-download');
      await createModel(url, 'dl');
      await createVersion(url, 'dl', `runs:/${runId}/model`);
      await createVersion(url, 'dl', 'mlflow-artifacts:/9/abc/artifacts/m');
      await send(url, 'POST', 'registered-models/alias', { name: 'dl', alias: 'prod', version: '1' });
      await createVersion(url, 'dl', 'models:/dl@prod');
      await createVersion(url, 'dl', 'models:/dl/2');
      const uri = async (v: string) => (await get<{ artifact_uri: string }>(url, 'model-versions/get-download-uri', { name: 'dl', version: v })).body.artifact_uri;
      assert.equal(await uri('1'), `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model`);
      assert.equal(await uri('2'), 'mlflow-artifacts:/9/abc/artifacts/m');
      assert.equal(await uri('3'), `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model`);
      assert.equal(await uri('4'), 'mlflow-artifacts:/9/abc/artifacts/m');
      const missing = await get(url, 'model-versions/get-download-uri', { name: 'dl', version: '9' });
      assert.equal(missing.status, 404);
      // a runs:/ source of a run tracked elsewhere is answered as given, as MLflow answers it
      await createVersion(url, 'dl', 'runs:/run_id/model', { run_id: 'run_id_1' });
      assert.equal(await uri('5'), 'runs:/run_id/model');
    });

    test('get-download-uri resolves an MLflow 3 logged model (models:/<model_id>), also through an alias', async () => {
      const { experimentId, runId } = await newRun(url, 'mv-logged');
      const created = await send<{ model: { info: { model_id: string; artifact_uri: string } } }>(url, 'POST', 'logged-models', { experiment_id: experimentId, name: 'model', source_run_id: runId });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const { model_id: modelId, artifact_uri: artifactUri } = created.body.model.info;
      await createModel(url, 'lm');
      await createVersion(url, 'lm', `models:/${modelId}`);
      await send(url, 'POST', 'registered-models/alias', { name: 'lm', alias: 'champion', version: '1' });
      await createVersion(url, 'lm', 'models:/lm@champion');
      for (const v of ['1', '2']) {
        const res = await get<{ artifact_uri: string }>(url, 'model-versions/get-download-uri', { name: 'lm', version: v });
        assert.equal(res.body.artifact_uri, artifactUri, v);
      }
      assert.match(artifactUri, new RegExp(`/models/${modelId}/artifacts$`));
    });

    test('PATCH update sets the description; DELETE delete removes the version for good and its number is not reused', async () => {
      await createModel(url, 'edit');
      const v1 = await createVersion(url, 'edit');
      await createVersion(url, 'edit');
      await new Promise((r) => setTimeout(r, 5));
      const upd = await send<{ model_version: Version }>(url, 'PATCH', 'model-versions/update', { name: 'edit', version: '1', description: 'better' });
      assert.equal(upd.status, 200);
      assert.equal(upd.body.model_version.description, 'better');
      assert.ok(upd.body.model_version.last_updated_timestamp > v1.last_updated_timestamp);
      const del = await send(url, 'DELETE', 'model-versions/delete', { name: 'edit', version: '2' });
      assert.equal(del.status, 200);
      assert.deepEqual(del.body, {});
      assert.equal((await getVersion(url, 'edit', '2')).status, 404);
      assert.equal((await send(url, 'DELETE', 'model-versions/delete', { name: 'edit', version: '2' })).status, 404);
      assert.equal((await createVersion(url, 'edit')).version, '3');
    });

    test('set-tag and delete-tag on a version', async () => {
      await createModel(url, 'vtags');
      await createVersion(url, 'vtags');
      assert.equal((await send(url, 'POST', 'model-versions/set-tag', { name: 'vtags', version: '1', key: 'validated', value: 'yes' })).status, 200);
      await send(url, 'POST', 'model-versions/set-tag', { name: 'vtags', version: '1', key: 'validated', value: 'twice' });
      assert.deepEqual((await getVersion(url, 'vtags', '1')).body.model_version.tags, [{ key: 'validated', value: 'twice' }]);
      assert.equal((await send(url, 'DELETE', 'model-versions/delete-tag', { name: 'vtags', version: '1', key: 'validated' })).status, 200);
      assert.equal((await getVersion(url, 'vtags', '1')).body.model_version.tags, undefined);
      const missing = await send(url, 'POST', 'model-versions/set-tag', { name: 'vtags', version: '5', key: 'k', value: 'v' });
      assert.equal(missing.status, 404);
    });

    test('transition-stage takes any case of None/Staging/Production/Archived and refuses others', async () => {
      await createModel(url, 'stages');
      await createVersion(url, 'stages');
      for (const [stage, canonical] of [['staging', 'Staging'], ['PRODUCTION', 'Production'], ['archived', 'Archived'], ['none', 'None']] as const) {
        const r = await transition(url, 'stages', '1', stage);
        assert.equal(r.status, 200);
        assert.equal(r.body.model_version.current_stage, canonical);
      }
      const bad = await transition(url, 'stages', '1', 'Live');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error_code, 'INVALID_PARAMETER_VALUE');
      const noFlag = await send(url, 'POST', 'model-versions/transition-stage', { name: 'stages', version: '1', stage: 'Staging' });
      assert.equal(noFlag.status, 400);
    });

    test('archive_existing_versions moves the other versions of that stage to Archived, and only for Staging/Production', async () => {
      await createModel(url, 'archive');
      for (let i = 0; i < 4; i++) await createVersion(url, 'archive');
      await transition(url, 'archive', '1', 'Production');
      await transition(url, 'archive', '2', 'Production');
      await transition(url, 'archive', '3', 'Staging');
      const r = await transition(url, 'archive', '4', 'Production', true);
      assert.equal(r.status, 200);
      assert.equal(r.body.model_version.current_stage, 'Production');
      assert.deepEqual(await Promise.all(['1', '2', '3', '4'].map((v) => stageOf('archive', v))), ['Archived', 'Archived', 'Staging', 'Production']);
      // without the flag, versions share a stage
      await transition(url, 'archive', '1', 'Staging');
      assert.deepEqual(await Promise.all(['1', '3'].map((v) => stageOf('archive', v))), ['Staging', 'Staging']);
      for (const stage of ['Archived', 'None']) {
        const refused = await transition(url, 'archive', '2', stage, true);
        assert.equal(refused.status, 400, stage);
        assert.equal(refused.body.error_code, 'INVALID_PARAMETER_VALUE');
      }
      assert.equal(await stageOf('archive', '2'), 'Archived');
    });
  });
}
