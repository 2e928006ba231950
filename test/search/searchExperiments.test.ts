/**
 * experiments/search semantics: filter on name, times and tags; MLflow's default order and
 * tie-breaker; view types; pages; rejected requests (400 INVALID_PARAMETER_VALUE).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { searchExperiments, type ExperimentRecord } from 'lablog/search';
import { assertInvalid, experiment } from './records.js';

const experiments: ExperimentRecord[] = [
  experiment('0', 'Default', { creation_time: 10, last_update_time: 10 }),
  experiment('1', 'nb-search-8f9583', { creation_time: 20, last_update_time: 50, tags: { team: 'vision' } }),
  experiment('2', 'NB-Other', { creation_time: 30, last_update_time: 40, tags: { team: 'nlp', owner: 'bob' } }),
  experiment('10', 'archive', { creation_time: 30, last_update_time: 30 }),
  experiment('3', 'binned', { creation_time: 40, lifecycle_stage: 'deleted' }),
];

const ids = (req: Parameters<typeof searchExperiments>[1]) =>
  searchExperiments(experiments, req).experiments.map((e) => e.experiment_id);

describe('filters', () => {
  test('name with = != LIKE ILIKE, with or without the attribute prefix', () => {
    assert.deepEqual(ids({ filter: `name = 'Default'` }), ['0']);
    assert.deepEqual(ids({ filter: `attribute.name = 'Default'` }), ['0']);
    assert.deepEqual(ids({ filter: `attributes.name != 'Default'` }), ['2', '10', '1']);
    assert.deepEqual(ids({ filter: `name LIKE 'nb-%'` }), ['1']);
    assert.deepEqual(ids({ filter: `name ILIKE 'nb-%'` }), ['2', '1']);
    assert.deepEqual(ids({ filter: `name LIKE 'nb-search-8f9583%'` }), ['1']);
  });
  test('creation_time and last_update_time compare as numbers', () => {
    assert.deepEqual(ids({ filter: 'creation_time > 20' }), ['2', '10']);
    assert.deepEqual(ids({ filter: 'last_update_time <= 30' }), ['10', '0']);
    assert.deepEqual(ids({ filter: 'attr.creation_time = 10' }), ['0']);
  });
  test('tags.<key>; an experiment without the tag never matches, not even !=', () => {
    assert.deepEqual(ids({ filter: `tags.team = 'nlp'` }), ['2']);
    assert.deepEqual(ids({ filter: `tag.team != 'nlp'` }), ['1']);
    assert.deepEqual(ids({ filter: `tags.team LIKE '%i%'` }), ['1']);
    assert.deepEqual(ids({ filter: `tags.owner ILIKE 'BOB'` }), ['2']);
    assert.deepEqual(ids({ filter: `tags.constructor != 'x'` }), []);
  });
  test('clauses are joined by AND', () => {
    assert.deepEqual(ids({ filter: `name ILIKE 'nb%' and tags.team = 'vision'` }), ['1']);
    assert.deepEqual(ids({ filter: `name ILIKE 'nb%' AND creation_time > 100` }), []);
  });
  test('what experiments cannot be searched by is rejected', () => {
    assertInvalid(() => ids({ filter: 'metrics.a > 1' }), /Invalid entity type 'metrics'/);
    assertInvalid(() => ids({ filter: `params.a = 'x'` }), /Invalid entity type 'params'/);
    assertInvalid(() => ids({ filter: `experiment_id = '1'` }), /Invalid attribute key 'experiment_id'/);
    assertInvalid(() => ids({ filter: `name = 'a' OR name = 'b'` }), /Only AND is supported/);
    assertInvalid(() => ids({ filter: `name > 'a'` }), /Invalid comparator '>'/);
    assertInvalid(() => ids({ filter: `tags.team = nlp` }), /Expected a quoted string value for tag/);
  });
});

describe('order', () => {
  test('by default: newest creation_time first, then experiment_id ascending (numerically)', () => {
    assert.deepEqual(ids({}), ['2', '10', '1', '0']);
  });
  test('by name, experiment_id, creation_time or last_update_time; ASC unless DESC', () => {
    // Default, NB-Other, archive, nb-search-8f9583: code-unit order, upper case first.
    assert.deepEqual(ids({ orderBy: ['name'] }), ['0', '2', '10', '1']);
    assert.deepEqual(ids({ orderBy: ['experiment_id'] }), ['0', '1', '2', '10']);
    assert.deepEqual(ids({ orderBy: ['attributes.experiment_id DESC'] }), ['10', '2', '1', '0']);
    assert.deepEqual(ids({ orderBy: ['last_update_time DESC'] }), ['1', '2', '10', '0']);
  });
  test("ties are broken by experiment_id descending when order_by doesn't mention it, as MLflow's stores do", () => {
    assert.deepEqual(ids({ orderBy: ['creation_time DESC'] }), ['10', '2', '1', '0']);
    assert.deepEqual(ids({ orderBy: ['creation_time DESC', 'experiment_id ASC'] }), ['2', '10', '1', '0']);
  });
  test('non-numeric ids sort after numeric ones, as strings', () => {
    const mixed = [experiment('b7', 'x'), experiment('9', 'y'), experiment('a1', 'z'), experiment('100000000000000000001', 'w')];
    const order = searchExperiments(mixed, { orderBy: ['experiment_id'] }).experiments.map((e) => e.experiment_id);
    assert.deepEqual(order, ['9', '100000000000000000001', 'a1', 'b7']);
  });
  test('an invalid order_by is rejected', () => {
    assertInvalid(() => ids({ orderBy: ['tags.team'] }), /Invalid order_by entity: tag/);
    assertInvalid(() => ids({ orderBy: ['lifecycle_stage'] }), /Invalid attribute key 'lifecycle_stage'/);
    assertInvalid(() => ids({ orderBy: ['name sideways'] }), /Invalid ordering key in order_by clause 'name sideways'/);
  });
});

describe('view types', () => {
  test('ACTIVE_ONLY by default, DELETED_ONLY, ALL', () => {
    assert.deepEqual(ids({}).includes('3'), false);
    assert.deepEqual(ids({ viewType: 'DELETED_ONLY' }), ['3']);
    assert.deepEqual(ids({ viewType: 'ALL' }), ['3', '2', '10', '1', '0']);
  });
});

describe('pages', () => {
  const many = Array.from({ length: 11 }, (_, i) => experiment(String(i), `e${i}`, { creation_time: i }));

  test('following next_page_token visits every experiment exactly once', () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = searchExperiments(many, { maxResults: 4, ...(pageToken ? { pageToken } : {}) });
      seen.push(...page.experiments.map((e) => e.experiment_id));
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    assert.deepEqual(seen, ['10', '9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
  });
  test('max_results outside 1..50000 and foreign page tokens are rejected', () => {
    assertInvalid(() => searchExperiments(many, { maxResults: 0 }), /max_results. It must be a positive integer/);
    assertInvalid(() => searchExperiments(many, { maxResults: 50001 }), /max_results. It must be at most 50000/);
    assertInvalid(() => searchExperiments(many, { pageToken: '%%%' }), /Invalid page token, could not base64-decode/);
  });
});
