/**
 * `GET /api/2.0/lablog/filters/check`: the searches' own parser, answered with 200 either way,
 * with the same code and message the search gives for a bad filter.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { post } from '../support/mlflowHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

let agent: StartedAgent;

/** GETs the check with `query`. */
async function check(query: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${agent.url}/api/2.0/lablog/filters/check?${new URLSearchParams(query)}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
before(async () => {
  agent = await startAgent();
});
after(() => agent.close());

test('a valid filter of each kind is valid', async () => {
  for (const [kind, filter] of [
    ['runs', "metrics.loss < 0.1 and params.lr = '0.01' and tags.\"mlflow.source.type\" = 'NOTEBOOK'"],
    ['experiments', "name LIKE 'a%'"],
    ['registered_models', "name = 'm'"],
    ['model_versions', "run_id = 'abc'"],
  ]) {
    const res = await check({ kind: kind!, filter: filter! });
    assert.equal(res.status, 200);
    assert.equal(res.body.valid, true, `${kind}: ${filter}`);
    assert.equal(res.body.filter, filter);
  }
});

test('a bad filter gets 200 with the message runs/search would give', async () => {
  const filter = 'metrics.loss <<< 1';
  const checked = await check({ kind: 'runs', filter });
  assert.equal(checked.status, 200);
  const search = await post(agent.url, 'runs/search', { experiment_ids: ['0'], filter });
  assert.equal(search.status, 400);
  assert.deepEqual(checked.body, { valid: false, error_code: search.body.error_code, message: search.body.message });
});

test('an unknown kind or a missing filter is a 400', async () => {
  assert.equal((await check({ kind: 'nope', filter: 'x' })).status, 400);
  assert.equal((await check({ kind: 'runs' })).status, 400);
});

test('plain words are a case-insensitive name search, said in a note; a lone key is still a filter missing its comparison', async () => {
  const runs = await check({ kind: 'runs', filter: 'adamw' });
  assert.deepEqual(runs.body, { valid: true, filter: "attributes.run_name ILIKE '%adamw%'", note: 'Not a filter: searching names for “adamw”.' });
  const models = await check({ kind: 'registered_models', filter: ' fraud clf ' });
  assert.equal(models.body.filter, "name ILIKE '%fraud clf%'");
  // the name search it stands for is one runs/search takes
  const search = await post(agent.url, 'runs/search', { experiment_ids: ['0'], filter: runs.body.filter });
  assert.equal(search.status, 200);
  const lone = await check({ kind: 'runs', filter: 'metrics.val_los' });
  assert.equal(lone.body.valid, false);
  assert.match(String(lone.body.message), /expected a comparator/);
});

test('a param or tag compared as a number gets MLflow\'s message and the reason: they are strings', async () => {
  const filter = 'params.lr < 0.01';
  const checked = await check({ kind: 'runs', filter });
  const search = await post(agent.url, 'runs/search', { experiment_ids: ['0'], filter });
  assert.equal(search.status, 400);
  assert.equal(checked.body.valid, false);
  assert.equal(checked.body.message, search.body.message);
  assert.match(String(checked.body.hint), /^Params are strings in MLflow: compare them with =, !=, LIKE or ILIKE .* e\.g\. params\.lr = '0\.01'\. To filter by a number, log it as a metric \(metrics\.<key> < 0\.01\)\.$/);
  const tag = await check({ kind: 'runs', filter: 'tags.epochs >= 3' });
  assert.match(String(tag.body.hint), /^Tags are strings/);
  // other mistakes have no hint
  assert.equal((await check({ kind: 'runs', filter: 'metrics.loss <<< 1' })).body.hint, undefined);
});

test('a valid runs filter names the metric, param and tag keys it tests, so a viewer can check that runs have them', async () => {
  const res = await check({ kind: 'runs', filter: "metrics.val_los < 1 and params.`my lr` = '0.1' and tags.team = 'a' and attributes.status = 'RUNNING'" });
  assert.deepEqual(res.body.keys, [
    { entity: 'metric', key: 'val_los' },
    { entity: 'param', key: 'my lr' },
    { entity: 'tag', key: 'team' },
  ]);
  assert.equal((await check({ kind: 'runs', filter: "attributes.status = 'RUNNING'" })).body.keys, undefined);
});
