/**
 * The registry and logged-model contract across agents: the rules that read what is stored —
 * version numbers, unique names, archive_existing_versions, one version per alias, the deletes
 * that cascade, a logged model's params and lineage — hold however requests interleave, and a
 * registry change reaches viewers as a live event. On PostgreSQL the requests go through two
 * agents on one database (a team server); the file engine has one agent per folder, so both
 * "agents" are the same one there. Nothing here knows which engine it talks to.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerMessage } from '@lablog/schema';
import { ENGINES, engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';
import { LiveTestClient } from '../support/liveClient.js';
import { get, newRun, post } from '../support/mlflowHttp.js';
import { dropDatabase, freshDatabase } from '../support/postgres.js';
import { createModel, createVersion, getModel, getVersion, send, transition, type Version } from '../support/registryHttp.js';

type RegistryEvent = Extract<ServerMessage, { type: 'event' }> & { event: { kind: 'registry'; name: string; version?: string; change: string } };

for (const engine of ENGINES) {
  const skip = await engineMissing(engine);
  describe(`registry contract across agents (${engine})`, { skip }, () => {
    let database: string | undefined;
    let a: EngineAgent;
    let b: EngineAgent;
    /** Agent A, then B, then A…: requests spread over both agents. */
    const via = (i: number) => (i % 2 === 0 ? a : b).url;

    before(async () => {
      if (engine === 'postgresql') database = await freshDatabase();
      a = await startEngineAgent(engine, {}, database);
      b = engine === 'postgresql' ? await startEngineAgent(engine, {}, database) : a;
    });
    after(async () => {
      await b?.close();
      await a?.close();
      if (database) await dropDatabase(database);
    });

    test('versions created at once through both agents get 1…n, each once; a deleted number is not given again', async () => {
      await createModel(a.url, 'numbered');
      const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => send<{ model_version: Version }>(via(i), 'POST', 'model-versions/create', { name: 'numbered', source: `mlflow-artifacts:/0/r/artifacts/m${i}` })));
      assert.deepEqual(replies.map((r) => r.status), Array(16).fill(200));
      const numbers = replies.map((r) => Number(r.body.model_version.version)).sort((x, y) => x - y);
      assert.deepEqual(numbers, Array.from({ length: 16 }, (_, i) => i + 1));
      assert.equal((await send(b.url, 'DELETE', 'model-versions/delete', { name: 'numbered', version: '16' })).status, 200);
      assert.equal((await createVersion(a.url, 'numbered')).version, '17');
    });

    test('a name is taken once: creates and renames racing for one name through both agents, one wins', async () => {
      const creates = await Promise.all(Array.from({ length: 6 }, (_, i) => send(via(i), 'POST', 'registered-models/create', { name: 'contested' })));
      assert.equal(creates.filter((r) => r.status === 200).length, 1);
      assert.ok(creates.filter((r) => r.status !== 200).every((r) => r.body.error_code === 'RESOURCE_ALREADY_EXISTS'));
      await createModel(a.url, 'left');
      await createModel(a.url, 'right');
      const renames = await Promise.all([
        send(a.url, 'POST', 'registered-models/rename', { name: 'left', new_name: 'target' }),
        send(b.url, 'POST', 'registered-models/rename', { name: 'right', new_name: 'target' }),
      ]);
      assert.deepEqual(renames.map((r) => r.status).sort(), [200, 400]);
      assert.equal(renames.find((r) => r.status === 400)?.body.error_code, 'RESOURCE_ALREADY_EXISTS');
      assert.equal((await getModel(b.url, 'target')).status, 200);
    });

    test('archive_existing_versions: transitions racing to Production leave exactly one version there', async () => {
      await createModel(a.url, 'staged');
      for (let i = 0; i < 6; i++) await createVersion(a.url, 'staged');
      const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => transition(via(i), 'staged', String(i + 1), 'Production', true)));
      assert.ok(replies.every((r) => r.status === 200));
      const stages = await Promise.all(Array.from({ length: 6 }, async (_, i) => (await getVersion(b.url, 'staged', String(i + 1))).body.model_version.current_stage));
      assert.equal(stages.filter((s) => s === 'Production').length, 1);
      assert.equal(stages.filter((s) => s === 'Archived').length, 5);
      const latest = (await getModel(a.url, 'staged')).body.registered_model.latest_versions ?? [];
      assert.deepEqual(latest.map((v) => v.current_stage).sort(), ['Archived', 'Production']);
    });

    test('an alias names one version; deleting that version, or the model, takes its aliases along', async () => {
      await createModel(a.url, 'aliased');
      for (let i = 0; i < 4; i++) await createVersion(a.url, 'aliased');
      const sets = await Promise.all(Array.from({ length: 4 }, (_, i) => send(via(i), 'POST', 'registered-models/alias', { name: 'aliased', alias: 'champion', version: String(i + 1) })));
      assert.ok(sets.every((r) => r.status === 200));
      const model = (await getModel(b.url, 'aliased')).body.registered_model;
      assert.equal(model.aliases?.filter((x) => x.alias === 'champion').length, 1);
      const target = model.aliases!.find((x) => x.alias === 'champion')!.version;
      const byAlias = await get<{ model_version: Version }>(a.url, 'registered-models/alias', { name: 'aliased', alias: 'champion' });
      assert.equal(byAlias.body.model_version.version, target);
      assert.deepEqual(byAlias.body.model_version.aliases, ['champion']);

      assert.equal((await send(b.url, 'DELETE', 'model-versions/delete', { name: 'aliased', version: target })).status, 200);
      assert.equal((await get(a.url, 'registered-models/alias', { name: 'aliased', alias: 'champion' })).status, 400);
      assert.equal((await getModel(a.url, 'aliased')).body.registered_model.aliases, undefined);

      await send(a.url, 'POST', 'registered-models/alias', { name: 'aliased', alias: 'kept', version: target === '1' ? '2' : '1' });
      assert.equal((await send(b.url, 'DELETE', 'registered-models/delete', { name: 'aliased' })).status, 200);
      assert.equal((await getModel(a.url, 'aliased')).status, 404);
      await createModel(a.url, 'aliased');
      const fresh = (await getModel(b.url, 'aliased')).body.registered_model;
      assert.deepEqual([fresh.aliases, fresh.latest_versions], [undefined, undefined]);
      assert.equal((await createVersion(b.url, 'aliased')).version, '1');
    });

    test('a viewer on one agent sees registry changes committed through the other, in order', async () => {
      const viewer = await LiveTestClient.connect(a.url);
      viewer.send({ type: 'subscribe', id: 'reg', scope: { kind: 'all' }, kinds: ['registry'] });
      await viewer.next((m) => m.type === 'subscribed');
      await createModel(b.url, 'watched');
      await createVersion(b.url, 'watched');
      await send(b.url, 'POST', 'registered-models/alias', { name: 'watched', alias: 'prod', version: '1' });
      await transition(b.url, 'watched', '1', 'Staging');
      await send(b.url, 'POST', 'registered-models/rename', { name: 'watched', new_name: 'watched-2' });
      await viewer.next((m) => m.type === 'event' && m.event.kind === 'registry' && m.event.change === 'model_renamed');
      const seen = (viewer.events('reg') as RegistryEvent[]).filter((e) => e.event.name.startsWith('watched')).map((e) => [e.event.name, e.event.version, e.event.change]);
      assert.deepEqual(seen, [
        ['watched', undefined, 'model_created'],
        ['watched', '1', 'version_created'],
        ['watched', '1', 'alias_set'],
        ['watched', '1', 'version_stage'],
        ['watched-2', undefined, 'model_renamed'],
      ]);
      const seqs = viewer.events('reg').map((e) => e.seq);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
      await viewer.close();
    });

    test('logged models are shared: created on one agent, finalized on the other; a param changes value at most once however requests race', async () => {
      const { experimentId, runId } = await newRun(a.url, 'logged-shared');
      const created = await post<{ model: { info: { model_id: string; status: string } } }>(a.url, 'logged-models', { experiment_id: experimentId, name: 'm', source_run_id: runId });
      assert.equal(created.status, 200);
      const id = created.body.model.info.model_id;
      const done = await send<{ model: { info: { status: string } } }>(b.url, 'PATCH', `logged-models/${id}`, { status: 'LOGGED_MODEL_READY' });
      assert.equal(done.body.model.info.status, 'LOGGED_MODEL_READY');
      assert.equal((await get<{ model: { info: { status: string } } }>(a.url, `logged-models/${id}`)).body.model.info.status, 'LOGGED_MODEL_READY');

      const params = await Promise.all(Array.from({ length: 6 }, (_, i) => post(via(i), `logged-models/${id}/params`, { params: [{ key: 'alpha', value: String(i) }] })));
      assert.equal(params.filter((r) => r.status === 200).length, 1);
      assert.ok(params.filter((r) => r.status !== 200).every((r) => r.body.error_code === 'INVALID_PARAMETER_VALUE'));

      // versions registered at once from the model, through both agents: every one is in its lineage tag
      await createModel(a.url, 'from-logged-shared');
      const versions = await Promise.all(Array.from({ length: 4 }, (_, i) => send(via(i), 'POST', 'model-versions/create', { name: 'from-logged-shared', source: `models:/${id}`, model_id: id })));
      assert.ok(versions.every((r) => r.status === 200));
      const model = (await get<{ model: { info: { tags?: Array<{ key: string; value: string }> } } }>(b.url, `logged-models/${id}`)).body.model;
      const lineage = JSON.parse(model.info.tags?.find((t) => t.key === 'mlflow.modelVersions')?.value ?? '[]') as Array<{ version: number }>;
      assert.deepEqual(lineage.map((v) => v.version).sort(), [1, 2, 3, 4]);
      const v1 = await getVersion(a.url, 'from-logged-shared', '1');
      assert.equal(v1.body.model_version.run_id, runId);

      assert.equal((await send(b.url, 'DELETE', `logged-models/${id}`, {})).status, 200);
      assert.equal((await get(a.url, `logged-models/${id}`)).status, 404);
      const deletedExp = (await post<{ experiment_id: string }>(a.url, 'experiments/create', { name: 'gone' })).body.experiment_id;
      await post(b.url, 'experiments/delete', { experiment_id: deletedExp });
      assert.equal((await post(a.url, 'logged-models', { experiment_id: deletedExp })).status, 400);
    });
  });
}
