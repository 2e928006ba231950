/**
 * PostgreSQL narrows a registry search to the models its filter can match in SQL
 * (registrySearchSql) before the shared search rules apply it whole: the narrowing must never
 * leave out a match. The same registry — names with LIKE's wildcards and other cases, models and
 * versions with and without tags, several runs and sources — is made on the file store and on
 * PostgreSQL, and every filter below must find the same models and versions on both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { get, newRun } from '../support/mlflowHttp.js';
import { createModel, createVersion, type Model, type Version } from '../support/registryHttp.js';
import { engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';

type ModelsPage = { registered_models?: Model[]; next_page_token?: string };
type VersionsPage = { model_versions?: Version[]; next_page_token?: string };

const MODELS: Array<{ name: string; tags: Record<string, string> }> = [
  { name: 'alpha', tags: { team: 'ml' } },
  { name: 'Alpha_2', tags: { team: 'ML', stage: 'x' } },
  { name: 'ålpha', tags: {} },
  { name: 'beta%', tags: { team: '' } },
  { name: 'gamma', tags: { other: 'ml' } },
];

describe('PostgreSQL registry searches narrowed in SQL find what the file store finds', async () => {
  const skip = await engineMissing('postgresql');
  let file: EngineAgent;
  let pg: EngineAgent;
  before(async () => {
    if (skip) return;
    [file, pg] = await Promise.all([startEngineAgent('file'), startEngineAgent('postgresql')]);
    for (const a of [file, pg]) {
      const runs = [(await newRun(a.url, 'narrow-1')).runId, (await newRun(a.url, 'narrow-2')).runId];
      for (const [i, m] of MODELS.entries()) {
        await createModel(a.url, m.name, { tags: Object.entries(m.tags).map(([key, value]) => ({ key, value })) });
        for (let v = 0; v <= i % 3; v++) {
          await createVersion(a.url, m.name, `runs:/${runs[v % 2]}/model-${v}`, { run_id: runs[v % 2]!, ...(v === 1 ? { tags: [{ key: 'ok', value: m.name.slice(0, 3) }] } : {}) });
        }
      }
    }
  });
  after(() => Promise.all([file?.close(), pg?.close()]));

  /** Every model (or version) name a search finds, over all its pages of 2. */
  const all = async (url: string, kind: 'registered-models' | 'model-versions', filter: string): Promise<string[]> => {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const r = await get<ModelsPage & VersionsPage>(url, `${kind}/search`, { filter, max_results: '2', ...(token ? { page_token: token } : {}) });
      assert.equal(r.status, 200, `${kind} ${filter}: ${JSON.stringify(r.body)}`);
      out.push(...(r.body.registered_models ?? []).map((m) => m.name), ...(r.body.model_versions ?? []).map((v) => `${v.name}/${v.version}`));
      token = r.body.next_page_token;
    } while (token);
    return out;
  };

  test('registered models and model versions, filter by filter', { skip }, async () => {
    const modelFilters = [
      '',
      "name = 'alpha'",
      "name != 'alpha'",
      "name LIKE 'alpha%'",
      "name LIKE 'Alpha_%'",
      "name LIKE '_lpha'",
      "name ILIKE 'ALPHA%'",
      "name ILIKE 'Ålpha'",
      "name LIKE 'beta%'",
      "tags.team = 'ml'",
      "tags.team != 'ml'",
      "tags.team LIKE '%'",
      "tags.team ILIKE 'ml'",
      "tags.stage = 'x' AND name LIKE '%2'",
    ];
    for (const f of modelFilters) assert.deepEqual(await all(pg.url, 'registered-models', f), await all(file.url, 'registered-models', f), `registered models: ${f}`);
    const versionFilters = [
      '',
      "name = 'alpha'",
      "name LIKE '%lpha%'",
      "name ILIKE 'alpha_2'",
      'version_number > 1',
      'version_number = 1',
      "tags.ok = 'alp'",
      "tags.ok != 'alp'",
      "tags.ok ILIKE 'ALP'",
      "source_path LIKE '%model-1'",
      "name != 'gamma' AND version_number <= 2",
    ];
    for (const f of versionFilters) assert.deepEqual(await all(pg.url, 'model-versions', f), await all(file.url, 'model-versions', f), `model versions: ${f}`);
  });
});
