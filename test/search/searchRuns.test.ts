/**
 * runs/search semantics: which runs a filter keeps, in which order they come back, how pages
 * and view types work, and which requests are rejected with 400 INVALID_PARAMETER_VALUE.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compileLike,
  matchesRun,
  parseFilter,
  runComparator,
  searchRuns,
  type RunDoc,
} from 'lablog/search';
import { assertInvalid, names, run } from './records.js';

/** A small sweep: every run differs in the things filters look at. */
const sweep: RunDoc[] = [
  run({
    name: 'alpha',
    start: 100,
    metrics: { loss: 0.5, acc: 0.9 },
    params: { lr: '0.1', optimizer: 'Adam' },
    tags: { team: 'vision', 'mlflow.parentRunId': 'p1' },
    inputs: [{ name: 'mnist', digest: 'aaa', context: 'train' }],
  }),
  run({
    name: 'beta',
    start: 200,
    metrics: { loss: 0.2, acc: NaN },
    params: { lr: '0.01', optimizer: 'adam' },
    tags: { team: 'nlp', 'mlflow.parentRunId': 'p1' },
    inputs: [
      { name: 'mnist', digest: 'bbb', context: 'eval' },
      { name: 'cifar', digest: 'ccc' },
    ],
  }),
  run({ name: 'gamma', start: 300, status: 'FAILED', user: 'bob', end: null, metrics: { loss: 1.5 }, params: { lr: '0.001' } }),
  run({ name: 'delta', start: 400, status: 'RUNNING', end: null }),
];

const find = (filter: string) => names(searchRuns(sweep, { filter }).runs).sort();

describe('metric clauses', () => {
  test('compare numerically with every operator', () => {
    assert.deepEqual(find('metrics.loss > 0.2'), ['alpha', 'gamma']);
    assert.deepEqual(find('metrics.loss >= 0.2'), ['alpha', 'beta', 'gamma']);
    assert.deepEqual(find('metrics.loss < 0.5'), ['beta']);
    assert.deepEqual(find('metrics.loss <= 0.5'), ['alpha', 'beta']);
    assert.deepEqual(find('metrics.loss = 1.5'), ['gamma']);
    assert.deepEqual(find('metrics.loss != 1.5'), ['alpha', 'beta']);
    assert.deepEqual(find('metrics.loss > 1e-1'), ['alpha', 'beta', 'gamma']);
  });
  test('a run without the metric never matches, not even !=', () => {
    assert.deepEqual(find('metrics.acc != 12345'), ['alpha', 'beta']);
    assert.deepEqual(find('metrics.nothing != 0'), []);
  });
  test('NaN compares as IEEE 754 says: false for everything but !=', () => {
    assert.deepEqual(find('metrics.acc > 0'), ['alpha']);
    assert.deepEqual(find('metrics.acc <= 1'), ['alpha']);
    assert.deepEqual(find('metrics.acc = 0.9'), ['alpha']);
    assert.deepEqual(find('metrics.acc != 0.9'), ['beta']);
  });
  test('infinite values compare as numbers', () => {
    const runs = [run({ name: 'inf', metrics: { m: Infinity } }), run({ name: 'ninf', metrics: { m: -Infinity } })];
    assert.deepEqual(names(searchRuns(runs, { filter: 'metrics.m > 1e308' }).runs), ['inf']);
    assert.deepEqual(names(searchRuns(runs, { filter: 'metrics.m < -1e308' }).runs), ['ninf']);
  });
});

describe('param and tag clauses', () => {
  test('= and != are exact and case-sensitive', () => {
    assert.deepEqual(find(`params.optimizer = 'Adam'`), ['alpha']);
    assert.deepEqual(find(`params.optimizer != 'Adam'`), ['beta']);
    assert.deepEqual(find(`params.lr = '0.1'`), ['alpha']);
  });
  test('a run without the param or tag never matches, not even !=', () => {
    assert.deepEqual(find(`params.optimizer != 'sgd'`), ['alpha', 'beta']);
    assert.deepEqual(find(`tags.team != 'x'`), ['alpha', 'beta']);
  });
  test('LIKE is case-sensitive, ILIKE is not', () => {
    assert.deepEqual(find(`params.optimizer LIKE 'a%'`), ['beta']);
    assert.deepEqual(find(`params.optimizer ILIKE 'a%'`), ['alpha', 'beta']);
    assert.deepEqual(find(`tags.team LIKE '%I%'`), []);
    assert.deepEqual(find(`tags.team ILIKE '%I%'`), ['alpha']);
  });
  test('in LIKE, % is any run of characters, _ exactly one, and everything else itself', () => {
    assert.deepEqual(find(`params.lr LIKE '0.0_'`), ['beta']);
    assert.deepEqual(find(`params.lr LIKE '0.0%'`), ['beta', 'gamma']);
    assert.deepEqual(find(`params.lr LIKE '0_1'`), ['alpha']);
    assert.deepEqual(find(`params.lr LIKE '0.1'`), ['alpha']);
    assert.deepEqual(find(`params.lr LIKE '0x1'`), []);
    assert.deepEqual(find(`params.lr LIKE '%'`), ['alpha', 'beta', 'gamma']);
  });
  test('LIKE patterns treat regular-expression characters literally and match across lines', () => {
    assert.equal(compileLike('a+b(c)[d]$')('a+b(c)[d]$'), true);
    assert.equal(compileLike('a.c')('abc'), false);
    assert.equal(compileLike('%x%')('line1\nx\nline3'), true);
    assert.equal(compileLike('_')('é'), true);
    assert.equal(compileLike('ÉT_', true)('été'), true);
  });
  test('dotted and quoted tag keys find the tags the client sets', () => {
    assert.deepEqual(find(`tags.mlflow.parentRunId = 'p1'`), ['alpha', 'beta']);
    assert.deepEqual(find('tags.`mlflow.runName` = \'gamma\''), ['gamma']);
    assert.deepEqual(find(`tags."mlflow.runName" LIKE '%ta'`), ['beta', 'delta']);
  });
  test('keys named like Object.prototype members are just missing keys', () => {
    assert.deepEqual(find(`params.constructor != 'x'`), []);
    assert.deepEqual(find(`tags.toString != 'x'`), []);
    assert.deepEqual(find(`metrics.__proto__ != 0`), []);
  });
});

describe('attribute clauses', () => {
  test('string attributes with = != LIKE ILIKE IN NOT IN', () => {
    assert.deepEqual(find(`attributes.status = 'FAILED'`), ['gamma']);
    assert.deepEqual(find(`attributes.status != 'FINISHED'`), ['delta', 'gamma']);
    assert.deepEqual(find(`attributes.status IN ('FAILED', 'RUNNING')`), ['delta', 'gamma']);
    assert.deepEqual(find(`attributes.status NOT IN ('FAILED', 'RUNNING')`), ['alpha', 'beta']);
    assert.deepEqual(find(`attributes.run_name LIKE '%ta'`), ['beta', 'delta']);
    assert.deepEqual(find(`run.user_id ILIKE 'BO%'`), ['gamma']);
    assert.deepEqual(find(`attributes.\`Run name\` = 'alpha'`), ['alpha']);
  });
  test('run_id and artifact_uri', () => {
    const [alpha, beta] = sweep as [RunDoc, RunDoc];
    assert.deepEqual(find(`attributes.run_id = '${alpha.info.run_id}'`), ['alpha']);
    assert.deepEqual(find(`attributes.run_id IN ('${alpha.info.run_id}', '${beta.info.run_id}')`), ['alpha', 'beta']);
    assert.deepEqual(find(`attributes.artifact_uri LIKE '%${beta.info.run_id}%'`), ['beta']);
  });
  test('numeric attributes; created is start_time; a run that has not ended has no end_time', () => {
    assert.deepEqual(find('attributes.start_time > 200'), ['delta', 'gamma']);
    assert.deepEqual(find('attributes.created <= 200'), ['alpha', 'beta']);
    assert.deepEqual(find('attributes.end_time > 0'), ['alpha', 'beta']);
    assert.deepEqual(find('attributes.end_time != 0'), ['alpha', 'beta']);
  });
  test('lifecycle_stage is searchable (useful with view type ALL)', () => {
    const runs = [run({ name: 'kept' }), run({ name: 'binned', stage: 'deleted' })];
    const r = searchRuns(runs, { filter: `attributes.lifecycle_stage = 'deleted'`, viewType: 'ALL' });
    assert.deepEqual(names(r.runs), ['binned']);
  });
});

describe('dataset clauses', () => {
  test('a run matches when any of its inputs does', () => {
    assert.deepEqual(find(`datasets.name = 'cifar'`), ['beta']);
    assert.deepEqual(find(`datasets.name = 'mnist'`), ['alpha', 'beta']);
    assert.deepEqual(find(`datasets.digest IN ('aaa', 'ccc')`), ['alpha', 'beta']);
    assert.deepEqual(find(`dataset.name LIKE 'c%'`), ['beta']);
  });
  test('context is the mlflow.data.context input tag', () => {
    assert.deepEqual(find(`datasets.context = 'train'`), ['alpha']);
    assert.deepEqual(find(`datasets.context ILIKE 'EVAL'`), ['beta']);
  });
  test('a run without inputs never matches, not even != or NOT IN', () => {
    assert.deepEqual(find(`datasets.name != 'nothing'`), ['alpha', 'beta']);
    assert.deepEqual(find(`datasets.name NOT IN ('nothing')`), ['alpha', 'beta']);
  });
});

describe('AND chains', () => {
  test('a run must satisfy every clause', () => {
    assert.deepEqual(find(`metrics.loss < 1 and params.optimizer ILIKE 'adam' AND tags.team = 'nlp'`), ['beta']);
    assert.deepEqual(find(`metrics.loss < 1 AND attributes.status = 'FAILED'`), []);
  });
  test('matchesRun applies parsed clauses to one run', () => {
    const clauses = parseFilter(`metrics.loss < 1 AND datasets.context = 'train'`, 'run');
    assert.deepEqual(
      sweep.map((doc) => matchesRun(doc, clauses)),
      [true, false, false, false],
    );
    assert.equal(matchesRun(sweep[3] as RunDoc, []), true);
  });
});

describe('order', () => {
  test('by default: newest start_time first, then run_id ascending', () => {
    const twins = [run({ name: 'b', id: 'bbbb', start: 5 }), run({ name: 'a', id: 'aaaa', start: 5 }), run({ name: 'old', start: 1 })];
    assert.deepEqual(names(searchRuns(twins).runs), ['a', 'b', 'old']);
    assert.deepEqual(names(searchRuns(sweep).runs), ['delta', 'gamma', 'beta', 'alpha']);
  });
  test('metrics compare as numbers, ASC by default, DESC when asked', () => {
    assert.deepEqual(names(searchRuns(sweep, { orderBy: ['metrics.loss'] }).runs), ['beta', 'alpha', 'gamma', 'delta']);
    assert.deepEqual(names(searchRuns(sweep, { orderBy: ['metrics.loss ASC'] }).runs), ['beta', 'alpha', 'gamma', 'delta']);
    assert.deepEqual(names(searchRuns(sweep, { orderBy: ['metrics.loss desc'] }).runs), ['gamma', 'alpha', 'beta', 'delta']);
  });
  test('runs without the key come last in either direction; NaN just before them', () => {
    assert.deepEqual(names(searchRuns(sweep, { orderBy: ['metrics.acc ASC'] }).runs), ['alpha', 'beta', 'delta', 'gamma']);
    assert.deepEqual(names(searchRuns(sweep, { orderBy: ['metrics.acc DESC'] }).runs), ['alpha', 'beta', 'delta', 'gamma']);
    assert.deepEqual(names(searchRuns(sweep, { orderBy: ['attributes.end_time DESC'] }).runs), ['beta', 'alpha', 'delta', 'gamma']);
  });
  test('params and tags compare as strings', () => {
    const runs = [run({ name: 'nine', params: { n: '9' } }), run({ name: 'ten', params: { n: '10' } }), run({ name: 'none' })];
    assert.deepEqual(names(searchRuns(runs, { orderBy: ['params.n'] }).runs), ['ten', 'nine', 'none']);
    assert.deepEqual(names(searchRuns(sweep, { orderBy: ['tags.team DESC'] }).runs), ['alpha', 'beta', 'delta', 'gamma']);
  });
  test('attributes by their type; the bare key and the aliases work too', () => {
    assert.deepEqual(names(searchRuns(sweep, { orderBy: ['attributes.start_time ASC'] }).runs), ['alpha', 'beta', 'gamma', 'delta']);
    assert.deepEqual(names(searchRuns(sweep, { orderBy: ['created ASC'] }).runs), ['alpha', 'beta', 'gamma', 'delta']);
    assert.deepEqual(names(searchRuns(sweep, { orderBy: ['run_name'] }).runs), ['alpha', 'beta', 'delta', 'gamma']);
    assert.deepEqual(names(searchRuns(sweep, { orderBy: ['attribute.run_name DESC'] }).runs), ['gamma', 'delta', 'beta', 'alpha']);
    assert.deepEqual(names(searchRuns(sweep, { orderBy: ['attributes.status'] }).runs), ['gamma', 'beta', 'alpha', 'delta']);
  });
  test('quoted keys, several entries, and ties broken by the default order', () => {
    const runs = [
      run({ name: 'a1', start: 1, metrics: { 'a-b': 1 }, params: { g: 'x' } }),
      run({ name: 'a2', start: 2, metrics: { 'a-b': 1 }, params: { g: 'x' } }),
      run({ name: 'b', start: 3, metrics: { 'a-b': 0 }, params: { g: 'y' } }),
    ];
    assert.deepEqual(names(searchRuns(runs, { orderBy: ['metrics.`a-b` DESC'] }).runs), ['a2', 'a1', 'b']);
    assert.deepEqual(names(searchRuns(runs, { orderBy: ['params.g DESC', 'attributes.start_time'] }).runs), ['b', 'a1', 'a2']);
  });
  test('runComparator orders runs exactly as searchRuns does', () => {
    for (const orderBy of [[], ['metrics.acc DESC'], ['tags.team', 'metrics.loss DESC'], ['attributes.end_time']]) {
      assert.deepEqual(names([...sweep].sort(runComparator(orderBy))), names(searchRuns(sweep, { orderBy }).runs));
    }
  });
  test('an order_by entry that does not parse is rejected', () => {
    assertInvalid(() => searchRuns(sweep, { orderBy: ['metrics.loss UP'] }), /Invalid ordering key in order_by clause 'metrics.loss UP'/);
    assertInvalid(() => searchRuns(sweep, { orderBy: ['metrics.loss DESC extra'] }), /Invalid order_by clause 'metrics.loss DESC extra'. Could not be parsed/);
    assertInvalid(() => searchRuns(sweep, { orderBy: [''] }), /Invalid order_by clause ''/);
    assertInvalid(() => searchRuns(sweep, { orderBy: ['foo.bar'] }), /Invalid entity type 'foo'/);
    assertInvalid(() => searchRuns(sweep, { orderBy: ['attributes.nope'] }), /Invalid attribute key 'nope'/);
    assertInvalid(() => searchRuns(sweep, { orderBy: ['datasets.name'] }), /Invalid order_by entity type 'dataset'/);
  });
});

describe('view types', () => {
  const runs = [run({ name: 'live' }), run({ name: 'trashed', stage: 'deleted' })];
  test('ACTIVE_ONLY by default, DELETED_ONLY, ALL', () => {
    assert.deepEqual(names(searchRuns(runs).runs), ['live']);
    assert.deepEqual(names(searchRuns(runs, { viewType: 'ACTIVE_ONLY' }).runs), ['live']);
    assert.deepEqual(names(searchRuns(runs, { viewType: 'DELETED_ONLY' }).runs), ['trashed']);
    assert.deepEqual(names(searchRuns(runs, { viewType: 'ALL' }).runs).sort(), ['live', 'trashed']);
  });
});

describe('the nested-runs session recorded against MLflow', () => {
  test('children of a parent, best score first; then a LIKE search paged by 2', () => {
    const parent = run({ name: 'sweep', start: 253, id: '9b9780d1f69148bca393e30f74d9ac87' });
    const child = (name: string, start: number, score: number, lr: string) =>
      run({ name, start, metrics: { score }, params: { lr }, tags: { 'mlflow.parentRunId': parent.info.run_id } });
    const runs = [parent, child('lr-0.1', 265, 1.0, '0.1'), child('lr-0.01', 304, 0.1, '0.01'), child('lr-0.001', 335, 0.01, '0.001')];

    const children = searchRuns(runs, { filter: `tags.mlflow.parentRunId = '${parent.info.run_id}'`, orderBy: ['metrics.score DESC'] });
    assert.deepEqual(names(children.runs), ['lr-0.1', 'lr-0.01', 'lr-0.001']);
    assert.deepEqual(names(searchRuns(runs, { filter: `params.lr = '0.01'` }).runs), ['lr-0.01']);
    assert.deepEqual(names(searchRuns(runs, { filter: `metrics.score >= 0.1 and attributes.status = 'FINISHED'` }).runs), ['lr-0.01', 'lr-0.1']);
    const page = searchRuns(runs, { filter: `attributes.run_name LIKE 'lr-%'`, maxResults: 2 });
    assert.deepEqual(names(page.runs), ['lr-0.001', 'lr-0.01']);
    assert.equal(page.nextPageToken, 'eyJvZmZzZXQiOiAyfQ==');
  });
});

test('searching leaves the input array as it was', () => {
  const before = names(sweep);
  searchRuns(sweep, { orderBy: ['metrics.loss DESC'] });
  assert.deepEqual(names(sweep), before);
});
