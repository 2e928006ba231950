/**
 * Registered model aliases over a real socket: set (POST), get (GET → the version), delete
 * (DELETE), moving an alias between versions, reserved and malformed names.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { get } from '../support/mlflowHttp.js';
import { createModel, createVersion, getModel, getVersion, send, type Version } from '../support/registryHttp.js';
import { ENGINES, engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';

for (const engine of ENGINES) {
  const skip = await engineMissing(engine);
  describe(`model aliases (${engine})`, { skip }, () => {
    let started: EngineAgent;
    let url: string;
    before(async () => {
      started = await startEngineAgent(engine);
      url = started.url;
      await createModel(url, 'm');
      await createVersion(url, 'm', 'mlflow-artifacts:/0/r/artifacts/v1');
      await createVersion(url, 'm', 'mlflow-artifacts:/0/r/artifacts/v2');
    });
    after(() => started.close());

    const setAlias = (alias: string, version: string, name = 'm') => send(url, 'POST', 'registered-models/alias', { name, alias, version });
    const byAlias = (alias: string, name = 'm') => get<{ model_version: Version; error_code?: string }>(url, 'registered-models/alias', { name, alias });

    test('GET returns {model_version} of the version the alias points at, with its aliases', async () => {
      const set = await setAlias('champion', '1');
      assert.equal(set.status, 200);
      assert.deepEqual(set.body, {});
      const r = await byAlias('champion');
      assert.equal(r.status, 200);
      assert.equal(r.body.model_version.version, '1');
      assert.equal(r.body.model_version.source, 'mlflow-artifacts:/0/r/artifacts/v1');
      assert.deepEqual(r.body.model_version.aliases, ['champion']);
      assert.deepEqual((await getModel(url, 'm')).body.registered_model.aliases, [{ alias: 'champion', version: '1' }]);
    });

    test('setting an alias again moves it to the other version', async () => {
      await setAlias('moving', '1');
      await setAlias('moving', '2');
      assert.equal((await byAlias('moving')).body.model_version.version, '2');
      assert.ok(!(await getVersion(url, 'm', '1')).body.model_version.aliases?.includes('moving'));
      assert.ok((await getVersion(url, 'm', '2')).body.model_version.aliases?.includes('moving'));
    });

    test('DELETE removes the alias; a GET of an unknown alias is 400 INVALID_PARAMETER_VALUE, as in MLflow', async () => {
      await setAlias('temp', '2');
      const del = await send(url, 'DELETE', 'registered-models/alias', { name: 'm', alias: 'temp' });
      assert.equal(del.status, 200);
      const r = await byAlias('temp');
      assert.equal(r.status, 400);
      assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
      assert.equal((await send(url, 'DELETE', 'registered-models/alias', { name: 'm', alias: 'temp' })).status, 200);
      assert.equal((await send(url, 'DELETE', 'registered-models/alias', { name: 'ghost', alias: 'temp' })).status, 404);
    });

    test('latest (any case) and v<digits> are reserved; names outside [\\w-] or over 255 characters are refused', async () => {
      for (const alias of ['latest', 'LATEST', 'Latest', 'v1', 'V12', 'has space', 'dot.ted', 'slash/ed', '', 'a'.repeat(256)]) {
        const r = await setAlias(alias, '1');
        assert.equal(r.status, 400, JSON.stringify(alias));
        assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
      }
      for (const alias of ['v1a', 'version1', 'prod-2024_q1', 'a'.repeat(255)]) {
        assert.equal((await setAlias(alias, '1')).status, 200, alias);
      }
    });

    test('an alias needs an existing version and model', async () => {
      const noVersion = await setAlias('x', '9');
      assert.equal(noVersion.status, 404);
      assert.equal(noVersion.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
      assert.equal((await setAlias('x', '1', 'ghost')).status, 404);
      assert.equal((await setAlias('x', 'one')).status, 400);
    });

    test('deleting a version drops the aliases that pointed at it', async () => {
      await createModel(url, 'short-lived');
      await createVersion(url, 'short-lived');
      await createVersion(url, 'short-lived');
      await setAlias('gone', '2', 'short-lived');
      await setAlias('stays', '1', 'short-lived');
      await send(url, 'DELETE', 'model-versions/delete', { name: 'short-lived', version: '2' });
      assert.equal((await byAlias('gone', 'short-lived')).status, 400);
      assert.deepEqual((await getModel(url, 'short-lived')).body.registered_model.aliases, [{ alias: 'stays', version: '1' }]);
    });
  });
}
