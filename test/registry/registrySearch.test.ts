/**
 * registered-models/search and model-versions/search over a real socket: MLflow's filter
 * grammar for the registry, order_by with its tie-breakers, default orders, paging, and 400s
 * for what the grammar does not allow.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { get, newRun } from '../support/mlflowHttp.js';
import { createModel, createVersion, send, type Model, type Version } from '../support/registryHttp.js';
import { ENGINES, engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';

type ModelsPage = { registered_models: Model[]; next_page_token?: string; error_code?: string };
type VersionsPage = { model_versions: Version[]; next_page_token?: string; error_code?: string };

for (const engine of ENGINES) {
  const skip = await engineMissing(engine);
  describe(`registry search (${engine})`, { skip }, () => {
    let started: EngineAgent;
    let url: string;
    let runA: string;
    let runB: string;
    before(async () => {
      started = await startEngineAgent(engine);
      url = started.url;
      runA = (await newRun(url, 'search-a')).runId;
      runB = (await newRun(url, 'search-b')).runId;
      const pause = () => new Promise((r) => setTimeout(r, 3));
      await createModel(url, 'alpha', { tags: [{ key: 'team', value: 'ml' }] });
      await pause();
      await createModel(url, 'Beta', { tags: [{ key: 'team', value: 'data' }] });
      await pause();
      await createModel(url, 'gamma-model');
      await pause();
      await createVersion(url, 'alpha', `runs:/${runA}/model`, { run_id: runA, tags: [{ key: 'ok', value: 'yes' }] });
      await pause();
      await createVersion(url, 'alpha', `runs:/${runB}/model`, { run_id: runB });
      await pause();
      await createVersion(url, 'Beta', `runs:/${runA}/other`, { run_id: runA });
      await pause();
      // touching alpha last makes it the most recently updated model
      await send(url, 'POST', 'registered-models/set-tag', { name: 'alpha', key: 'touched', value: '1' });
      await send(url, 'PATCH', 'registered-models/update', { name: 'alpha', description: 'updated last' });
    });
    after(() => started.close());

    const models = async (query: Record<string, string | string[]>) => {
      const r = await get<ModelsPage>(url, 'registered-models/search', query);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.registered_models.map((m) => m.name);
    };
    const versions = async (query: Record<string, string | string[]>) => {
      const r = await get<VersionsPage>(url, 'model-versions/search', query);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.model_versions.map((v) => `${v.name}/${v.version}`);
    };

    test('registered models: name = / LIKE / ILIKE / !=, tags.k = v, default order name ASC', async () => {
      assert.deepEqual(await models({}), ['Beta', 'alpha', 'gamma-model']);
      assert.deepEqual(await models({ filter: "name = 'alpha'" }), ['alpha']);
      assert.deepEqual(await models({ filter: "name LIKE '%ta'" }), ['Beta']);
      assert.deepEqual(await models({ filter: "name ILIKE 'b%'" }), ['Beta']);
      assert.deepEqual(await models({ filter: "name LIKE 'b%'" }), []);
      assert.deepEqual(await models({ filter: "name != 'alpha'" }), ['Beta', 'gamma-model']);
      assert.deepEqual(await models({ filter: "tags.team = 'ml'" }), ['alpha']);
      assert.deepEqual(await models({ filter: "tags.team != 'ml'" }), ['Beta']);
      assert.deepEqual(await models({ filter: "tags.`team` LIKE '%' AND name ILIKE '%A%'" }), ['Beta', 'alpha']);
    });

    test('registered models: order_by name, creation_timestamp, last_updated_timestamp', async () => {
      assert.deepEqual(await models({ order_by: 'name DESC' }), ['gamma-model', 'alpha', 'Beta']);
      assert.deepEqual(await models({ order_by: 'creation_timestamp ASC' }), ['alpha', 'Beta', 'gamma-model']);
      assert.deepEqual(await models({ order_by: 'creation_timestamp DESC' }), ['gamma-model', 'Beta', 'alpha']);
      assert.deepEqual((await models({ order_by: 'last_updated_timestamp DESC' }))[0], 'alpha');
    });

    test('registered models: pages of max_results with next_page_token; default page 100, at most 1000', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const q: Record<string, string> = { max_results: '2' };
        if (token) q.page_token = token;
        const r = await get<ModelsPage>(url, 'registered-models/search', q);
        seen.push(...r.body.registered_models.map((m) => m.name));
        token = r.body.next_page_token;
        pages++;
      } while (token);
      assert.equal(pages, 2);
      assert.deepEqual(seen, ['Beta', 'alpha', 'gamma-model']);
      const tooMany = await get<ModelsPage>(url, 'registered-models/search', { max_results: '1001' });
      assert.equal(tooMany.status, 400);
    });

    test('registered models carry latest_versions and tags in search results', async () => {
      const r = await get<ModelsPage>(url, 'registered-models/search', { filter: "name = 'alpha'" });
      const alpha = r.body.registered_models[0];
      assert.deepEqual(alpha?.latest_versions?.map((v) => v.version), ['2']);
      assert.deepEqual(alpha?.tags?.find((t) => t.key === 'team'), { key: 'team', value: 'ml' });
    });

    test('model versions: name =, run_id = and IN, source_path, version_number, tags.k', async () => {
      assert.deepEqual(await versions({ filter: "name = 'alpha'" }), ['alpha/2', 'alpha/1']);
      assert.deepEqual((await versions({ filter: `run_id = '${runA}'` })).sort(), ['Beta/1', 'alpha/1']);
      assert.deepEqual((await versions({ filter: `run_id IN ('${runA}', '${runB}')` })).sort(), ['Beta/1', 'alpha/1', 'alpha/2']);
      assert.deepEqual(await versions({ filter: `source_path = 'runs:/${runA}/other'` }), ['Beta/1']);
      assert.deepEqual((await versions({ filter: "source_path LIKE '%/model'" })).sort(), ['alpha/1', 'alpha/2']);
      assert.deepEqual(await versions({ filter: "name = 'alpha' AND version_number > 1" }), ['alpha/2']);
      assert.deepEqual(await versions({ filter: "tags.ok = 'yes'" }), ['alpha/1']);
      assert.deepEqual(await versions({ filter: "name = 'nothing'" }), []);
    });

    test('model versions: default order last_updated_timestamp DESC; order_by name/version_number/creation_timestamp', async () => {
      assert.deepEqual(await versions({}), ['Beta/1', 'alpha/2', 'alpha/1']);
      assert.deepEqual(await versions({ order_by: 'name ASC' }), ['Beta/1', 'alpha/2', 'alpha/1']);
      assert.deepEqual(await versions({ order_by: ['name DESC', 'version_number ASC'] }), ['alpha/1', 'alpha/2', 'Beta/1']);
      assert.deepEqual(await versions({ order_by: 'creation_timestamp ASC' }), ['alpha/1', 'alpha/2', 'Beta/1']);
      assert.deepEqual(await versions({ order_by: 'version_number DESC' }), ['alpha/2', 'Beta/1', 'alpha/1']);
    });

    test('model versions: paging', async () => {
      const first = await get<VersionsPage>(url, 'model-versions/search', { max_results: '2', order_by: 'creation_timestamp ASC' });
      assert.equal(first.body.model_versions.length, 2);
      assert.ok(first.body.next_page_token);
      const second = await get<VersionsPage>(url, 'model-versions/search', { max_results: '2', order_by: 'creation_timestamp ASC', page_token: first.body.next_page_token });
      assert.deepEqual(second.body.model_versions.map((v) => `${v.name}/${v.version}`), ['Beta/1']);
      assert.equal(second.body.next_page_token, undefined);
    });

    test('what the registry grammar does not allow is 400 INVALID_PARAMETER_VALUE', async () => {
      const bad: Array<[string, Record<string, string>]> = [
        ['registered-models/search', { filter: "run_id = 'x'" }],
        ['registered-models/search', { filter: "params.x = 'y'" }],
        ['registered-models/search', { filter: "name IN ('a')" }],
        ['registered-models/search', { filter: "name = 'a' OR name = 'b'" }],
        ['registered-models/search', { order_by: 'tags.team' }],
        ['registered-models/search', { order_by: 'source_path' }],
        ['registered-models/search', { page_token: 'not-a-token' }],
        ['model-versions/search', { filter: "name IN ('alpha')" }],
        ['model-versions/search', { filter: "metrics.x > 1" }],
        ['model-versions/search', { filter: "version_number = 'one'" }],
        ['model-versions/search', { order_by: 'run_id' }],
      ];
      for (const [path, query] of bad) {
        const r = await get<{ error_code?: string }>(url, path, query);
        assert.equal(r.status, 400, `${path} ${JSON.stringify(query)}`);
        assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE');
      }
      const dup = await get<{ error_code?: string }>(url, 'model-versions/search', { order_by: ['name ASC', 'name DESC'] });
      assert.equal(dup.status, 400);
    });
  });
}
