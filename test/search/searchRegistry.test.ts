/**
 * The search module on the model registry (pure functions from `lablog/search`): the filter
 * grammar of registered models and model versions, what each refuses, orders and pages.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFilter, searchModelVersions, searchRegisteredModels, type ModelVersionRecord, type RegisteredModelRecord, type VersionOf } from 'lablog/search';
import { assertInvalid } from './records.js';

function model(name: string, versions: Array<Partial<ModelVersionRecord>> = [], extra: Partial<RegisteredModelRecord> = {}): RegisteredModelRecord {
  return {
    name,
    creation_timestamp: 0,
    last_updated_timestamp: 0,
    user_id: '',
    description: '',
    tags: {},
    aliases: {},
    next_version: versions.length + 1,
    versions: versions.map((v, i) => ({
      version: i + 1,
      creation_timestamp: 0,
      last_updated_timestamp: 0,
      user_id: '',
      current_stage: 'None',
      description: '',
      source: '',
      run_id: '',
      run_link: '',
      status: 'READY',
      status_message: '',
      tags: {},
      ...v,
    })),
    ...extra,
  };
}

const models = [
  model('churn', [{ run_id: 'r1', source: 's3://b/churn/1', creation_timestamp: 5 }, { run_id: 'r2', source: 's3://b/churn/2', tags: { ok: 'yes' }, creation_timestamp: 9 }], { tags: { team: 'ml' }, creation_timestamp: 2 }),
  model('Churn-v2', [{ run_id: 'r1', source: 'runs:/r1/m', creation_timestamp: 7 }], { creation_timestamp: 1 }),
  model('fraud', [], { tags: { team: 'risk' }, creation_timestamp: 3 }),
];
const versions: VersionOf[] = models.flatMap((m) => m.versions.map((version) => ({ model: m, version })));
const names = (filter?: string, orderBy?: string[]) => searchRegisteredModels(models, { filter, orderBy }).items.map((m) => m.name);
const ids = (filter?: string, orderBy?: string[]) => searchModelVersions(versions, { filter, orderBy }).items.map((v) => `${v.model.name}/${v.version.version}`);

describe('registered models', () => {
  test('name and tags, with or without the attribute prefix', () => {
    assert.deepEqual(names(), ['Churn-v2', 'churn', 'fraud']);
    assert.deepEqual(names("attribute.name = 'churn'"), ['churn']);
    assert.deepEqual(names("name ILIKE 'churn%'"), ['Churn-v2', 'churn']);
    assert.deepEqual(names("tags.team != 'ml'"), ['fraud']);
    assert.deepEqual(names("tag.`team` LIKE 'r%' AND name LIKE 'f%'"), ['fraud']);
  });
  test('order_by name and timestamps; name breaks ties', () => {
    assert.deepEqual(names(undefined, ['creation_timestamp']), ['Churn-v2', 'churn', 'fraud']);
    assert.deepEqual(names(undefined, ['creation_timestamp DESC']), ['fraud', 'churn', 'Churn-v2']);
    assert.deepEqual(names(undefined, ['last_updated_timestamp DESC']), ['Churn-v2', 'churn', 'fraud']);
  });
  test('what the registered-model grammar refuses', () => {
    const refused: Array<[string, RegExp]> = [
      ["run_id = 'x'", /Invalid attribute key 'run_id'/],
      ['metrics.a > 1', /Invalid entity type 'metrics'/],
      ["name IN ('a')", /Invalid comparator 'IN'/],
      ['creation_timestamp > 1', /Invalid attribute key 'creation_timestamp'/],
      ['name = 1', /Expected a quoted string value/],
    ];
    for (const [filter, message] of refused) assertInvalid(() => parseFilter(filter, 'registered_model'), message);
    assertInvalid(() => searchRegisteredModels(models, { orderBy: ['tags.team'] }), /ordered by attributes only/);
    assertInvalid(() => searchRegisteredModels(models, { maxResults: 1001 }), /at most 1000/);
  });
  test('pages of 100 by default', () => {
    const many = Array.from({ length: 150 }, (_, i) => model(`m${String(i).padStart(3, '0')}`));
    const first = searchRegisteredModels(many);
    assert.equal(first.items.length, 100);
    assert.equal(searchRegisteredModels(many, { pageToken: first.nextPageToken }).items.length, 50);
  });
});

describe('model versions', () => {
  test('name, run_id (also IN), source_path, version_number, tags', () => {
    assert.deepEqual(ids("name = 'churn'"), ['churn/2', 'churn/1']);
    assert.deepEqual(ids("run_id = 'r1'"), ['Churn-v2/1', 'churn/1']);
    assert.deepEqual(ids("run_id IN ('r2', 'zz')"), ['churn/2']);
    assert.deepEqual(ids("run_id NOT IN ('r1')"), ['churn/2']);
    assert.deepEqual(ids("source_path LIKE 's3://%'"), ['churn/2', 'churn/1']);
    assert.deepEqual(ids('version_number >= 2'), ['churn/2']);
    assert.deepEqual(ids("tags.ok = 'yes'"), ['churn/2']);
  });
  test('default order last_updated_timestamp DESC, name ASC, version_number DESC; order_by creation_timestamp', () => {
    assert.deepEqual(ids(), ['Churn-v2/1', 'churn/2', 'churn/1']);
    assert.deepEqual(ids(undefined, ['creation_timestamp ASC']), ['churn/1', 'Churn-v2/1', 'churn/2']);
  });
  test('what the model-version grammar refuses', () => {
    const refused: Array<[string, RegExp]> = [
      ["name IN ('a')", /Invalid comparator 'IN'/],
      ["source_path IN ('a')", /Invalid comparator 'IN'/],
      ["params.p = 'x'", /Invalid entity type 'params'/],
      ["version_number = 'one'", /Expected numeric value/],
      ["status = 'READY'", /Invalid attribute key 'status'/],
    ];
    for (const [filter, message] of refused) assertInvalid(() => parseFilter(filter, 'model_version'), message);
    assertInvalid(() => searchModelVersions(versions, { orderBy: ['run_id'] }), /Invalid attribute key 'run_id'/);
    assertInvalid(() => searchModelVersions(versions, { orderBy: ['name', 'name DESC'] }), /duplicate fields/);
    assertInvalid(() => searchModelVersions(versions, { maxResults: 200_001 }), /at most 200000/);
  });
});
