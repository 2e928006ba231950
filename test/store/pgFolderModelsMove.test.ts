/**
 * A team server from before the registry moved into the database kept its registered models and
 * logged models in the `--files` folder. Started on the database now, the agent moves them in
 * once: models with their versions, stages, tags and aliases, logged models; a name the database
 * has already stays behind; a second start moves nothing again.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createAgent, type Agent } from 'lablog';
import { engineMissing } from '../support/engines.js';
import { get, post } from '../support/mlflowHttp.js';
import { dropDatabase, freshDatabase } from '../support/postgres.js';
import { send } from '../support/registryHttp.js';

type ModelReply = { registered_model: { name: string; tags?: Array<{ key: string; value: string }>; aliases?: Array<{ alias: string; version: string }>; latest_versions?: Array<{ version: string; current_stage: string }> } };

describe('PostgreSQL: a folder’s registry and logged models move into the database', async () => {
  const skip = await engineMissing('postgresql');
  const made: string[] = [];
  let database = '';
  after(async () => {
    for (const d of made) await rm(d, { recursive: true, force: true });
    if (database) await dropDatabase(database);
  });

  /** Runs `work` against an agent on `store` with files in `files`, then stops it. */
  const withAgent = async (store: string, files: string, work: (url: string) => Promise<void>) => {
    const agent: Agent = await createAgent({ store, files });
    try {
      await work(await agent.listen(0));
    } finally {
      await agent.close();
    }
  };

  test('moved once, conflicts left behind', { skip }, async () => {
    const folder = await mkdtemp(join(tmpdir(), 'lablog-old-files-'));
    made.push(folder);
    // the folder as an agent of before wrote it: registry and logged models in the folder
    let modelId = '';
    await withAgent(folder, folder, async (url) => {
      for (const name of ['kept', 'taken']) assert.equal((await post(url, 'registered-models/create', { name, tags: [{ key: 'team', value: 'cv' }] })).status, 200);
      for (let i = 0; i < 2; i++) assert.equal((await post(url, 'model-versions/create', { name: 'kept', source: `mlflow-artifacts:/0/r/artifacts/m${i}` })).status, 200);
      await post(url, 'model-versions/transition-stage', { name: 'kept', version: '2', stage: 'Production', archive_existing_versions: false });
      await post(url, 'registered-models/alias', { name: 'kept', alias: 'champion', version: '1' });
      const lm = await post<{ model: { info: { model_id: string } } }>(url, 'logged-models', { experiment_id: '0', name: 'clf' });
      modelId = lm.body.model.info.model_id;
    });
    // the Default experiment is '0' in both stores: the logged model's experiment exists in the database
    const doc = JSON.parse(await readFile(join(folder, 'models', modelId, 'model.json'), 'utf8')) as { info: { experiment_id: string } };
    assert.equal(doc.info.experiment_id, '0');

    database = await freshDatabase();
    const other = await mkdtemp(join(tmpdir(), 'lablog-new-files-'));
    made.push(other);
    await withAgent(database, other, async (url) => {
      assert.equal((await post(url, 'registered-models/create', { name: 'taken', description: 'the database’s own' })).status, 200);
    });

    await withAgent(database, folder, async (url) => {
      const kept = await get<ModelReply>(url, 'registered-models/get', { name: 'kept' });
      assert.equal(kept.status, 200);
      assert.deepEqual(kept.body.registered_model.tags, [{ key: 'team', value: 'cv' }]);
      assert.deepEqual(kept.body.registered_model.aliases, [{ alias: 'champion', version: '1' }]);
      assert.deepEqual(kept.body.registered_model.latest_versions?.map((v) => [v.version, v.current_stage]).sort(), [['1', 'None'], ['2', 'Production']]);
      const next = await post<{ model_version: { version: string } }>(url, 'model-versions/create', { name: 'kept', source: 'mlflow-artifacts:/0/r/artifacts/m2' });
      assert.equal(next.body.model_version.version, '3', 'numbering goes on from the folder’s');
      const taken = await get<{ registered_model: { description?: string } }>(url, 'registered-models/get', { name: 'taken' });
      assert.equal(taken.body.registered_model.description, 'the database’s own');
      const lm = await get<{ model: { info: { name: string } } }>(url, `logged-models/${modelId}`);
      assert.equal(lm.status, 200);
      assert.equal(lm.body.model.info.name, 'clf');
    });
    const marker = JSON.parse(await readFile(join(folder, 'meta', 'models-moved.json'), 'utf8')) as { models: number; versions: number; loggedModels: number; left: string[] };
    assert.deepEqual([marker.models, marker.versions, marker.loggedModels], [1, 2, 1]);
    assert.equal(marker.left.length, 1);
    assert.match(marker.left[0]!, /taken/);

    // a second start moves nothing: the model deleted meanwhile stays deleted
    await withAgent(database, folder, async (url) => {
      assert.equal((await send(url, 'DELETE', 'registered-models/delete', { name: 'kept' })).status, 200);
    });
    await withAgent(database, folder, async (url) => {
      assert.equal((await get(url, 'registered-models/get', { name: 'kept' })).status, 404);
    });
    assert.ok((await readdir(join(folder, 'meta'))).includes('models-moved.json'));
  });
});
