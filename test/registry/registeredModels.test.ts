/**
 * Registered models over a real socket: create, get, rename, update, delete, tags,
 * latest_versions and get-latest-versions, errors in MLflow's codes, and that the registry
 * outlives the agent (meta/registry.json).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAgent } from 'lablog';
import { get } from '../support/mlflowHttp.js';
import { createModel, createVersion, getModel, getVersion, send, transition, type Model, type Version } from '../support/registryHttp.js';
import { ENGINES, engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';
import { startAgent } from '../support/startAgent.js';

for (const engine of ENGINES) {
  const skip = await engineMissing(engine);
  describe(`registered models (${engine})`, { skip }, () => {
    let started: EngineAgent;
    let url: string;
    before(async () => {
      started = await startEngineAgent(engine);
      url = started.url;
    });
    after(() => started.close());

    test('create returns the model with its tags and description; get returns the same', async () => {
      const m = await createModel(url, 'churn', { description: 'gbm', tags: [{ key: 'team', value: 'ml' }] });
      assert.equal(m.name, 'churn');
      assert.equal(m.description, 'gbm');
      assert.deepEqual(m.tags, [{ key: 'team', value: 'ml' }]);
      assert.equal(typeof m.creation_timestamp, 'number');
      assert.equal(m.last_updated_timestamp, m.creation_timestamp);
      const got = await getModel(url, 'churn');
      assert.equal(got.status, 200);
      assert.deepEqual(got.body.registered_model, m);
    });

    test('a taken name is 400 RESOURCE_ALREADY_EXISTS; an empty one 400 INVALID_PARAMETER_VALUE', async () => {
      await createModel(url, 'taken');
      const again = await send(url, 'POST', 'registered-models/create', { name: 'taken' });
      assert.equal(again.status, 400);
      assert.equal(again.body.error_code, 'RESOURCE_ALREADY_EXISTS');
      const empty = await send(url, 'POST', 'registered-models/create', { name: '' });
      assert.equal(empty.status, 400);
      assert.equal(empty.body.error_code, 'INVALID_PARAMETER_VALUE');
      const missing = await send(url, 'POST', 'registered-models/create', {});
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error_code, 'INVALID_PARAMETER_VALUE');
    });

    test('every call on a missing model is 404 RESOURCE_DOES_NOT_EXIST', async () => {
      const calls: Array<Promise<{ status: number; body: Record<string, unknown> }>> = [
        getModel(url, 'ghost'),
        send(url, 'POST', 'registered-models/rename', { name: 'ghost', new_name: 'g2' }),
        send(url, 'PATCH', 'registered-models/update', { name: 'ghost', description: 'x' }),
        send(url, 'DELETE', 'registered-models/delete', { name: 'ghost' }),
        send(url, 'POST', 'registered-models/set-tag', { name: 'ghost', key: 'k', value: 'v' }),
        send(url, 'DELETE', 'registered-models/delete-tag', { name: 'ghost', key: 'k' }),
        send(url, 'POST', 'registered-models/get-latest-versions', { name: 'ghost' }),
        send(url, 'POST', 'model-versions/create', { name: 'ghost', source: 'mlflow-artifacts:/0/r/artifacts/m' }),
        getVersion(url, 'ghost', '1'),
      ];
      for (const r of await Promise.all(calls)) {
        assert.equal(r.status, 404, JSON.stringify(r.body));
        assert.equal(r.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
      }
    });

    test('PATCH update sets the description and moves last_updated_timestamp', async () => {
      const m = await createModel(url, 'describe-me');
      await new Promise((r) => setTimeout(r, 5));
      const r = await send<{ registered_model: Model }>(url, 'PATCH', 'registered-models/update', { name: 'describe-me', description: 'now described' });
      assert.equal(r.status, 200);
      assert.equal(r.body.registered_model.description, 'now described');
      assert.ok(r.body.registered_model.last_updated_timestamp > m.last_updated_timestamp);
    });

    test('rename keeps the versions, their stages and the aliases; the old name is gone; a taken new name is refused', async () => {
      await createModel(url, 'old-name');
      await createVersion(url, 'old-name');
      await createVersion(url, 'old-name');
      await transition(url, 'old-name', '2', 'Staging');
      await send(url, 'POST', 'registered-models/alias', { name: 'old-name', alias: 'best', version: '2' });
      const r = await send<{ registered_model: Model }>(url, 'POST', 'registered-models/rename', { name: 'old-name', new_name: 'new-name' });
      assert.equal(r.status, 200);
      assert.equal(r.body.registered_model.name, 'new-name');
      assert.deepEqual(r.body.registered_model.aliases, [{ alias: 'best', version: '2' }]);
      assert.equal((await getModel(url, 'old-name')).status, 404);
      const v2 = await getVersion(url, 'new-name', '2');
      assert.equal(v2.body.model_version.name, 'new-name');
      assert.equal(v2.body.model_version.current_stage, 'Staging');
      assert.deepEqual(v2.body.model_version.aliases, ['best']);
      const byAlias = await get<{ model_version: Version }>(url, 'registered-models/alias', { name: 'new-name', alias: 'best' });
      assert.equal(byAlias.body.model_version.version, '2');
      // the next version continues the numbering
      assert.equal((await createVersion(url, 'new-name')).version, '3');
      await createModel(url, 'occupied');
      const clash = await send(url, 'POST', 'registered-models/rename', { name: 'new-name', new_name: 'occupied' });
      assert.equal(clash.status, 400);
      assert.equal(clash.body.error_code, 'RESOURCE_ALREADY_EXISTS');
    });

    test('DELETE delete (JSON body) removes the model with its versions and aliases; the name can be reused', async () => {
      await createModel(url, 'doomed');
      await createVersion(url, 'doomed');
      await send(url, 'POST', 'registered-models/alias', { name: 'doomed', alias: 'a', version: '1' });
      const r = await send(url, 'DELETE', 'registered-models/delete', { name: 'doomed' });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, {});
      assert.equal((await getModel(url, 'doomed')).status, 404);
      const versions = await get<{ model_versions?: Version[] }>(url, 'model-versions/search', { filter: "name = 'doomed'" });
      assert.deepEqual(versions.body.model_versions ?? [], []);
      await createModel(url, 'doomed');
      assert.equal((await createVersion(url, 'doomed')).version, '1');
    });

    test('set-tag (POST) overwrites, delete-tag (DELETE) removes; deleting an absent tag is fine', async () => {
      await createModel(url, 'tagged');
      assert.equal((await send(url, 'POST', 'registered-models/set-tag', { name: 'tagged', key: 'k', value: 'v1' })).status, 200);
      await send(url, 'POST', 'registered-models/set-tag', { name: 'tagged', key: 'k', value: 'v2' });
      await send(url, 'POST', 'registered-models/set-tag', { name: 'tagged', key: 'other', value: 'x' });
      assert.deepEqual((await getModel(url, 'tagged')).body.registered_model.tags, [
        { key: 'k', value: 'v2' },
        { key: 'other', value: 'x' },
      ]);
      assert.equal((await send(url, 'DELETE', 'registered-models/delete-tag', { name: 'tagged', key: 'k' })).status, 200);
      assert.equal((await send(url, 'DELETE', 'registered-models/delete-tag', { name: 'tagged', key: 'never' })).status, 200);
      assert.deepEqual((await getModel(url, 'tagged')).body.registered_model.tags, [{ key: 'other', value: 'x' }]);
      const bad = await send(url, 'POST', 'registered-models/set-tag', { name: 'tagged', key: 'bad/../key', value: 'v' });
      assert.equal(bad.status, 400);
      const long = await send(url, 'POST', 'registered-models/set-tag', { name: 'tagged', key: 'long', value: 'x'.repeat(5001) });
      assert.equal(long.status, 400);
      assert.equal(long.body.error_code, 'INVALID_PARAMETER_VALUE');
    });

    test('latest_versions holds the highest version of each stage; get-latest-versions filters by stage (POST and GET)', async () => {
      await createModel(url, 'staged');
      for (let i = 0; i < 5; i++) await createVersion(url, 'staged');
      await transition(url, 'staged', '1', 'Production');
      await transition(url, 'staged', '2', 'Staging');
      await transition(url, 'staged', '3', 'Staging');
      await transition(url, 'staged', '4', 'Archived');
      const latest = (await getModel(url, 'staged')).body.registered_model.latest_versions ?? [];
      const byStage = Object.fromEntries(latest.map((v) => [v.current_stage, v.version]));
      assert.deepEqual(byStage, { Production: '1', Staging: '3', Archived: '4', None: '5' });
      assert.equal(latest.length, 4);

      const all = await send<{ model_versions: Version[] }>(url, 'POST', 'registered-models/get-latest-versions', { name: 'staged' });
      assert.equal(all.body.model_versions.length, 4);
      const some = await send<{ model_versions: Version[] }>(url, 'POST', 'registered-models/get-latest-versions', { name: 'staged', stages: ['staging', 'PRODUCTION'] });
      assert.deepEqual(some.body.model_versions.map((v) => v.version).sort(), ['1', '3']);
      const viaGet = await get<{ model_versions: Version[] }>(url, 'registered-models/get-latest-versions', { name: 'staged', stages: ['Archived', 'None'] });
      assert.deepEqual(viaGet.body.model_versions.map((v) => v.version).sort(), ['4', '5']);
      const one = await get<{ model_versions: Version[] }>(url, 'registered-models/get-latest-versions', { name: 'staged', stages: 'Staging' });
      assert.deepEqual(one.body.model_versions.map((v) => v.version), ['3']);
      const bad = await send(url, 'POST', 'registered-models/get-latest-versions', { name: 'staged', stages: ['Live'] });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error_code, 'INVALID_PARAMETER_VALUE');
    });

    test('the registry routes are also under /ajax-api/2.0', async () => {
      await createModel(url, 'ajax');
      const r = await fetch(`${url}/ajax-api/2.0/mlflow/registered-models/get?name=ajax`);
      assert.equal(r.status, 200);
    });
  });
}

describe('the registry on disk', () => {
  test('survives a restart in meta/registry.json, and every change is announced on the store change feed', async () => {
    const started = await startAgent();
    const events: unknown[] = [];
    started.agent.store.feed.subscribe(({ event: e }) => {
      if (e.type === 'registry') events.push({ name: e.name, version: e.version, change: e.change });
    });
    try {
      await createModel(started.url, 'persisted', { tags: [{ key: 'team', value: 'ml' }] });
      await createVersion(started.url, 'persisted');
      await send(started.url, 'POST', 'registered-models/alias', { name: 'persisted', alias: 'champion', version: '1' });
      await transition(started.url, 'persisted', '1', 'Production');
      assert.deepEqual(events, [
        { name: 'persisted', version: undefined, change: 'model_created' },
        { name: 'persisted', version: '1', change: 'version_created' },
        { name: 'persisted', version: '1', change: 'alias_set' },
        { name: 'persisted', version: '1', change: 'version_stage' },
      ]);
      const before = (await getModel(started.url, 'persisted')).body.registered_model;
      await started.agent.close();
      const doc = JSON.parse(await readFile(join(started.storeDir, 'meta', 'registry.json'), 'utf8')) as { models: Array<{ name: string; aliases: Record<string, number> }> };
      assert.equal(doc.models[0]?.name, 'persisted');
      assert.deepEqual(doc.models[0]?.aliases, { champion: 1 });
      const reopened = await createAgent({ store: started.storeDir });
      try {
        const url = await reopened.listen(0);
        assert.deepEqual((await getModel(url, 'persisted')).body.registered_model, before);
      } finally {
        await reopened.close();
      }
    } finally {
      await started.close();
    }
  });

  test('a record handed out is never edited: a change swaps in a new one', async () => {
    const started = await startAgent();
    try {
      const registry = started.agent.store.registry;
      const created = await registry.createModel({ name: 'kept', description: 'first' });
      const v1 = await registry.createVersion('kept', { source: 'mlflow-artifacts:/0/r/artifacts/model' });
      await registry.updateModel('kept', 'second');
      await registry.transitionStage('kept', 1, 'Production', false);
      await registry.renameModel('kept', 'renamed');
      assert.deepEqual([created.name, created.description, created.versions.length], ['kept', 'first', 0]);
      assert.deepEqual([v1.model.name, v1.version.current_stage], ['kept', 'None']);
      const now = registry.get('renamed');
      assert.deepEqual([now.description, now.versions[0]?.current_stage], ['second', 'Production']);
    } finally {
      await started.close();
    }
  });
});
