/**
 * The store's files as a user meets them: odd but valid keys are ordinary keys, experiments
 * are an append-only log (a store written by an earlier version is moved into it), and what a
 * crash left behind is cleared when the store opens.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createAgent } from 'lablog';
import { get, newRun, post } from '../support/mlflowHttp.js';

async function storeDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `lablog-${name}-`));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `body` against an agent on `store`, then closes it. */
async function withAgent(store: string, body: (url: string) => Promise<void>): Promise<void> {
  const agent = await createAgent({ store });
  try {
    await body(await agent.listen(0));
  } finally {
    await agent.close();
  }
}

const ODD_KEYS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
type KV = Array<{ key: string; value: string }>;

test('keys such as constructor, toString and __proto__ are params and tags like any other, before and after a restart', async () => {
  const store = await storeDir('oddkeys');
  let runId = '';
  let experimentId = '';
  await withAgent(store, async (url) => {
    ({ runId, experimentId } = await newRun(url, 'odd'));
    const kv = ODD_KEYS.map((key) => ({ key, value: `v-${key}` }));
    const r = await post(url, 'runs/log-batch', { run_id: runId, params: kv, tags: kv });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // logging the same value again is fine; another value is refused with the stored one quoted
    assert.equal((await post(url, 'runs/log-parameter', { run_id: runId, key: 'constructor', value: 'v-constructor' })).status, 200);
    const changed = await post<{ message: string }>(url, 'runs/log-parameter', { run_id: runId, key: 'toString', value: 'other' });
    assert.equal(changed.status, 400);
    assert.match(changed.body.message, /already logged with value='v-toString'/);
    for (const key of ODD_KEYS) {
      assert.equal((await post(url, 'experiments/set-experiment-tag', { experiment_id: experimentId, key, value: `e-${key}` })).status, 200);
    }
    assert.equal((await post(url, 'runs/delete-tag', { run_id: runId, key: 'valueOf' })).status, 200);
    assert.equal((await post(url, 'runs/delete-tag', { run_id: runId, key: 'valueOf' })).status, 404);
  });
  await withAgent(store, async (url) => {
    const run = (await get<{ run: { data: { params: KV; tags: KV } } }>(url, 'runs/get', { run_id: runId })).body.run;
    const params = Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));
    for (const key of ODD_KEYS) assert.equal(params[key], `v-${key}`, `param ${key}`);
    const tags = new Map(run.data.tags.map((t) => [t.key, t.value]));
    for (const key of ODD_KEYS.filter((k) => k !== 'valueOf')) assert.equal(tags.get(key), `v-${key}`, `tag ${key}`);
    assert.equal(tags.has('valueOf'), false);
    const exp = (await get<{ experiment: { tags: KV } }>(url, 'experiments/get', { experiment_id: experimentId })).body.experiment;
    const etags = new Map(exp.tags.map((t) => [t.key, t.value]));
    for (const key of ODD_KEYS) assert.equal(etags.get(key), `e-${key}`, `experiment tag ${key}`);
  });
});

test('an experiment change appends one line to meta/experiments.jsonl; the log reopens with every change', async () => {
  const store = await storeDir('explog');
  const log = join(store, 'meta', 'experiments.jsonl');
  await withAgent(store, async (url) => {
    const { experiment_id } = (await post<{ experiment_id: string }>(url, 'experiments/create', { name: 'tagged' })).body;
    const before = (await stat(log)).size;
    for (let i = 0; i < 50; i++) {
      assert.equal((await post(url, 'experiments/set-experiment-tag', { experiment_id, key: `k${i}`, value: String(i) })).status, 200);
    }
    const text = await readFile(log, 'utf8');
    assert.equal(text.slice(0, before).length, before, 'earlier lines are left as they were');
    assert.equal(text.trimEnd().split('\n').length, 2 + 50, 'Default, the creation, then one line a change');
    assert.equal((await post(url, 'experiments/update', { experiment_id, new_name: 'renamed' })).status, 200);
  });
  await withAgent(store, async (url) => {
    const e = (await get<{ experiment: { name: string; tags: KV } }>(url, 'experiments/get-by-name', { experiment_name: 'renamed' })).body.experiment;
    assert.equal(e.tags.length, 50);
    assert.equal((await get(url, 'experiments/get-by-name', { experiment_name: 'tagged' })).status, 404);
  });
});

test('a store written by an earlier version (meta/experiments.json) is moved into the log, keeping ids and the counter', async () => {
  const store = await storeDir('legacy');
  await mkdir(join(store, 'meta'), { recursive: true });
  const exp = (id: string, name: string) => ({ experiment_id: id, name, artifact_location: `mlflow-artifacts:/${id}`, lifecycle_stage: 'active', creation_time: 1, last_update_time: 1, tags: {} });
  await writeFile(join(store, 'meta', 'experiments.json'), JSON.stringify({ next_id: 7, experiments: [exp('0', 'Default'), exp('5', 'old')] }));
  await withAgent(store, async (url) => {
    assert.equal((await get<{ experiment: { experiment_id: string } }>(url, 'experiments/get-by-name', { experiment_name: 'old' })).body.experiment.experiment_id, '5');
    assert.equal((await post<{ experiment_id: string }>(url, 'experiments/create', { name: 'new' })).body.experiment_id, '7');
  });
  assert.deepEqual((await readdir(join(store, 'meta'))).filter((n) => n.startsWith('experiments')), ['experiments.jsonl']);
});

test('upload temp files and unfinished writes left by a crash are removed when the store opens', async () => {
  const store = await storeDir('leftovers');
  let runId = '';
  await withAgent(store, async (url) => {
    ({ runId } = await newRun(url, 'left'));
  });
  const leftovers = [
    join(store, 'tmp', 'uploads', '.lablog-upload-0123456789abcdef'),
    join(store, 'tmp', 'import-x', 'run.json'),
    join(store, 'meta', '.experiments.jsonl.a1b2c3.tmp'),
    join(store, 'runs', runId, 'artifacts', 'model', '.lablog-upload-fedcba9876543210'),
  ];
  for (const f of leftovers) {
    await mkdir(join(f, '..'), { recursive: true });
    await writeFile(f, Buffer.alloc(1 << 20));
  }
  // the last one is what versions that wrote uploads beside their target left: swept once
  await rm(join(store, 'meta', 'legacy-uploads-swept'));
  await withAgent(store, async () => {
    for (const f of leftovers) await assert.rejects(stat(f), { code: 'ENOENT' }, f);
  });
});

test('metrics.jsonl lines the agent did not write itself are read on reopen: escaped keys, other key orders, NaN and ±Infinity, batch markers and damaged lines skipped, a torn tail cut', async () => {
  const store = await storeDir('metriclines');
  let runId = '';
  await withAgent(store, async (url) => {
    ({ runId } = await newRun(url, 'lines'));
    assert.equal((await post(url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 10 }] })).status, 200);
  });
  // appended behind the store's back: replayed past the run's summary when the store opens
  const log = join(store, 'runs', runId, 'metrics.jsonl');
  const lines = [
    '{"key":"loss","value":0.5,"timestamp":11,"step":1}',
    '{"client":"c1","seq":3}',
    '{"key":"we\\"ird","value":"NaN","timestamp":12,"step":-2}',
    '{"key":"reordered","step":4,"value":"-Infinity","timestamp":13}',
    'not json at all',
    '{"key":"loss","value":"Infinity","timestamp":14,"step":2}',
  ];
  await writeFile(log, `${lines.join('\n')}\n{"key":"loss","value":9,"time`, { flag: 'a' });
  await withAgent(store, async (url) => {
    const history = async (key: string) => (await get<{ metrics?: Array<{ value: number | string; step: number; timestamp: number }> }>(url, 'metrics/get-history', { run_id: runId, metric_key: key })).body.metrics ?? [];
    assert.deepEqual((await history('loss')).map((m) => [m.step, m.value]), [[0, 1], [1, 0.5], [2, 'Infinity']]);
    assert.deepEqual(await history('we"ird'), [{ key: 'we"ird', value: 'NaN', step: -2, timestamp: 12 }]);
    assert.deepEqual((await history('reordered')).map((m) => [m.step, m.value]), [[4, '-Infinity']]);
    const run = (await get<{ run: { data: { metrics: Array<{ key: string; value: number | string }> } } }>(url, 'runs/get', { run_id: runId })).body.run;
    assert.deepEqual(Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value])), { loss: 'Infinity', 'we"ird': 'NaN', reordered: '-Infinity' });
  });
  // the torn tail was cut: the file ends with a whole line
  assert.ok((await readFile(log, 'utf8')).endsWith('"step":2}\n'));
});
