/**
 * `lablog import` of an MLflow file store written by the real MLflow 2.12.2 client
 * (test/fixtures/mlruns-sample, described in its README.md), checked through the REST API the
 * way a user would look: experiments, runs, params, tags, metric histories (NaN included),
 * nested runs, the failed and the deleted run, the dataset input, artifact files, and the
 * registry with its alias and tag. Then: a second import doubles nothing; a folder that is not
 * an MLflow store, a store an agent holds, and a store with broken parts.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAgent, type Agent } from 'lablog';
import { runCli, startAgentProcess } from '../support/agentProcess.js';
import { fullHistory, get } from '../support/mlflowHttp.js';
import { IRIS, MALFORMED, REGRESSION, RUNS, SAMPLE } from '../support/mlrunsSample.js';

type KV = Array<{ key: string; value: string }>;
type RunBody = { run: { info: Record<string, unknown>; data: { params?: KV; tags?: KV; metrics?: Array<{ key: string; value: unknown; step: number }> }; inputs: { dataset_inputs?: Array<{ tags?: KV; dataset: Record<string, string> }> } } };

const tagsOf = (kv: KV | undefined) => Object.fromEntries((kv ?? []).map((t) => [t.key, t.value]));

/** Counts in the summary line `  <label>  <n> new, <m> already there` or `  <label>  <n>`. */
function summaryLine(output: string, label: string): string {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(label));
  assert.ok(line, `no "${label}" in:\n${output}`);
  return line.slice(line.indexOf(label) + label.length).trim();
}

describe('lablog import of an MLflow file store', () => {
  let storeDir: string;
  let firstOutput: string;
  let agent: Agent;
  let url: string;
  before(async () => {
    storeDir = await mkdtemp(join(tmpdir(), 'lablog-import-'));
    const r = await runCli(['import', SAMPLE, '--store', storeDir]);
    assert.equal(r.code, 0, r.output);
    firstOutput = r.output;
    agent = await createAgent({ store: storeDir });
    url = await agent.listen(0);
  });
  after(async () => {
    await agent?.close();
    await rm(storeDir, { recursive: true, force: true });
  });

  const runOf = async (id: string) => {
    const r = await get<RunBody>(url, 'runs/get', { run_id: id });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.run;
  };

  test('the summary counts what the sample holds', () => {
    assert.equal(summaryLine(firstOutput, 'experiments'), '2 new, 1 already there'); // Default is always there
    assert.equal(summaryLine(firstOutput, 'runs'), '6 new, 0 already there');
    assert.equal(summaryLine(firstOutput, 'metric points'), '206');
    assert.equal(summaryLine(firstOutput, 'dataset inputs'), '1');
    assert.equal(summaryLine(firstOutput, 'artifact files'), '13');
    assert.equal(summaryLine(firstOutput, 'models'), '1 new, 0 already there');
    assert.equal(summaryLine(firstOutput, 'model versions'), '1 new, 0 already there');
    assert.equal(summaryLine(firstOutput, 'aliases'), '1');
    assert.doesNotMatch(firstOutput, /skipped/);
  });

  test('experiments keep their ids and names; artifacts are served by the agent', async () => {
    for (const [name, id] of [['iris-notebook', IRIS], ['regression', REGRESSION], ['Default', '0']]) {
      const r = await get<{ experiment: { experiment_id: string; artifact_location: string; lifecycle_stage: string } }>(url, 'experiments/get-by-name', { experiment_name: name as string });
      assert.equal(r.status, 200, name);
      assert.equal(r.body.experiment.experiment_id, id);
      assert.equal(r.body.experiment.artifact_location, `mlflow-artifacts:/${id}`);
      assert.equal(r.body.experiment.lifecycle_stage, 'active');
    }
  });

  test('nested runs keep their ids, names, params, tags and parent tag; search finds the children', async () => {
    const depth4 = await runOf(RUNS.depth4);
    assert.equal(depth4.info.run_name, 'depth-4');
    assert.equal(depth4.info.experiment_id, IRIS);
    assert.equal(depth4.info.status, 'FINISHED');
    assert.equal(depth4.info.start_time, 1795461145416);
    assert.equal(depth4.info.end_time, 1795461145450);
    assert.equal(depth4.info.artifact_uri, `mlflow-artifacts:/${IRIS}/${RUNS.depth4}/artifacts`);
    assert.deepEqual(tagsOf(depth4.data.params), { criterion: 'gini', max_depth: '4' });
    const tags = tagsOf(depth4.data.tags);
    assert.equal(tags['mlflow.parentRunId'], RUNS.sweep);
    assert.equal(tags.stage, 'tuning');
    assert.equal(tags['mlflow.runName'], 'depth-4');
    const children = await fetch(`${url}/api/2.0/mlflow/runs/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_ids: [IRIS], filter: `tags.mlflow.parentRunId = '${RUNS.sweep}'` }),
    }).then((r) => r.json() as Promise<{ runs: Array<{ info: { run_id: string } }> }>);
    assert.deepEqual(children.runs.map((r) => r.info.run_id).sort(), [RUNS.depth2, RUNS.depth4].sort());
  });

  test('metric histories are complete, in order, with steps and timestamps; NaN stays NaN', async () => {
    const lines = (await readFile(join(SAMPLE, IRIS, RUNS.depth4, 'metrics', 'train_loss'), 'utf8')).trim().split('\n');
    const history = await fullHistory(url, RUNS.depth4, 'train_loss');
    assert.equal(history.length, 100);
    assert.deepEqual(
      history.map((p) => `${p.timestamp} ${p.value} ${p.step}`),
      lines.map((l) => {
        const [ts, v, s] = l.split(' ');
        return `${ts} ${Number(v)} ${s}`;
      }),
    );
    const weird = await fullHistory(url, RUNS.depth4, 'weird');
    assert.deepEqual(weird.map((p) => p.value), ['NaN']);
    const latest = Object.fromEntries(((await runOf(RUNS.depth4)).data.metrics ?? []).map((m) => [m.key, m]));
    assert.equal(latest.weird?.value, 'NaN');
    assert.equal(latest.val_accuracy?.value, 0.9400000000000001);
    assert.equal(latest.train_loss?.step, 99);
  });

  test('the FAILED run and the deleted run come across as they were', async () => {
    assert.equal((await runOf(RUNS.crashed)).info.status, 'FAILED');
    const deleted = await runOf(RUNS.deleted);
    assert.equal(deleted.info.lifecycle_stage, 'deleted');
    assert.equal(deleted.info.run_name, 'deleted-run');
    const search = async (view: string) =>
      (await fetch(`${url}/api/2.0/mlflow/runs/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ experiment_ids: [REGRESSION], run_view_type: view }),
      }).then((r) => r.json() as Promise<{ runs: Array<{ info: { run_name: string } }> }>)).runs.map((r) => r.info.run_name).sort();
    assert.deepEqual(await search('ACTIVE_ONLY'), ['crashed', 'linreg']);
    assert.deepEqual(await search('DELETED_ONLY'), ['deleted-run']);
  });

  test('the dataset input keeps its dataset and its context tag', async () => {
    const linreg = await runOf(RUNS.linreg);
    const inputs = linreg.inputs.dataset_inputs ?? [];
    assert.equal(inputs.length, 1);
    assert.deepEqual(tagsOf(inputs[0]?.tags), { 'mlflow.data.context': 'training' });
    assert.equal(inputs[0]?.dataset.name, 'train');
    assert.equal(inputs[0]?.dataset.digest, 'b7caf376');
    assert.equal(inputs[0]?.dataset.source_type, 'local');
    assert.equal(inputs[0]?.dataset.source, '{"uri": "data/train.csv"}');
    assert.match(inputs[0]?.dataset.schema ?? '', /mlflow_colspec/);
    assert.equal(linreg.data.metrics?.find((m) => m.key === 'rmse')?.value, 0);
  });

  test('artifact files are copied byte for byte and listed and served through the artifact API', async () => {
    for (const [exp, run, path] of [
      [IRIS, RUNS.depth4, 'reports/report.txt'],
      [IRIS, RUNS.depth2, 'config.json'],
      [REGRESSION, RUNS.linreg, 'model/model.pkl'],
      [REGRESSION, RUNS.linreg, 'model/MLmodel'],
      [REGRESSION, RUNS.linreg, 'model/metadata/conda.yaml'],
    ] as const) {
      const want = await readFile(join(SAMPLE, exp, run, 'artifacts', path));
      assert.deepEqual(await readFile(join(agent.store.artifactDir(run), path)), want, path);
      const res = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts/${path}`);
      assert.equal(res.status, 200, path);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), want, path);
    }
    const list = (await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts?path=${REGRESSION}/${RUNS.linreg}/artifacts/model`).then((r) => r.json())) as { files: Array<{ path: string }> };
    assert.deepEqual(list.files.map((f) => f.path).sort(), ['MLmodel', 'conda.yaml', 'metadata', 'model.pkl', 'python_env.yaml', 'requirements.txt']);
  });

  test('the registry: linreg-model with tag team=ml, version 1 of the linreg run, alias champion', async () => {
    const m = await get<{ registered_model: { name: string; tags: KV; aliases: Array<{ alias: string; version: string }>; creation_timestamp: number; latest_versions: Array<{ version: string }> } }>(url, 'registered-models/get', { name: 'linreg-model' });
    assert.equal(m.status, 200);
    assert.deepEqual(tagsOf(m.body.registered_model.tags), { team: 'ml' });
    assert.deepEqual(m.body.registered_model.aliases, [{ alias: 'champion', version: '1' }]);
    assert.equal(m.body.registered_model.creation_timestamp, 1795461148101);
    assert.deepEqual(m.body.registered_model.latest_versions.map((v) => v.version), ['1']);
    const v = await get<{ model_version: { version: string; run_id: string; source: string; status: string; current_stage: string; aliases: string[] } }>(url, 'registered-models/alias', { name: 'linreg-model', alias: 'champion' });
    assert.equal(v.status, 200);
    assert.equal(v.body.model_version.version, '1');
    assert.equal(v.body.model_version.run_id, RUNS.linreg);
    assert.equal(v.body.model_version.status, 'READY');
    assert.equal(v.body.model_version.current_stage, 'None');
    assert.deepEqual(v.body.model_version.aliases, ['champion']);
    // the file: source pointed into the old store; it now names the run's artifacts on the agent
    const modelUri = `mlflow-artifacts:/${REGRESSION}/${RUNS.linreg}/artifacts/model`;
    assert.equal(v.body.model_version.source, modelUri);
    const dl = await get<{ artifact_uri: string }>(url, 'model-versions/get-download-uri', { name: 'linreg-model', version: '1' });
    assert.equal(dl.body.artifact_uri, modelUri);
  });

  test('importing again adds nothing', async () => {
    await agent.close();
    const again = await runCli(['import', SAMPLE, '--store', storeDir]);
    assert.equal(again.code, 0, again.output);
    assert.equal(summaryLine(again.output, 'experiments'), '0 new, 3 already there');
    assert.equal(summaryLine(again.output, 'runs'), '0 new, 6 already there');
    assert.equal(summaryLine(again.output, 'metric points'), '0');
    assert.equal(summaryLine(again.output, 'artifact files'), '0');
    assert.equal(summaryLine(again.output, 'models'), '0 new, 1 already there');
    assert.equal(summaryLine(again.output, 'model versions'), '0 new, 1 already there');
    assert.equal(summaryLine(again.output, 'aliases'), '0');
    agent = await createAgent({ store: storeDir });
    url = await agent.listen(0);
    assert.equal((await fullHistory(url, RUNS.depth4, 'train_loss')).length, 100);
    const search = await get<{ experiments: unknown[] }>(url, 'experiments/search', { max_results: 100 });
    assert.equal(search.body.experiments.length, 3);
    const versions = await get<{ model_versions: unknown[] }>(url, 'model-versions/search', { filter: "name = 'linreg-model'" });
    assert.equal(versions.body.model_versions.length, 1);
  });
});

describe('lablog import refuses what it cannot import', () => {
  test('a folder that is not an MLflow store: exit code 2, a message saying why, and no store made', async () => {
    const storeDir = join(await mkdtemp(join(tmpdir(), 'lablog-import-')), 'store');
    try {
      const r = await runCli(['import', MALFORMED, '--store', storeDir]);
      assert.equal(r.code, 2, r.output);
      assert.match(r.output, /is not an MLflow file store/);
      assert.match(r.output, /0\/meta\.yaml: not valid YAML/);
      assert.match(r.output, /5\/meta\.yaml: experiment_id and name are required/);
      await assert.rejects(stat(storeDir), { code: 'ENOENT' });
      const missing = await runCli(['import', join(MALFORMED, 'nope'), '--store', storeDir]);
      assert.equal(missing.code, 2);
      assert.match(missing.output, /is not a folder/);
      const noArgs = await runCli(['import']);
      assert.equal(noArgs.code, 2);
    } finally {
      await rm(join(storeDir, '..'), { recursive: true, force: true });
    }
  });

  test('a store an agent is running on: exit code 1 and a message that says so', async () => {
    const storeDir = await mkdtemp(join(tmpdir(), 'lablog-import-'));
    const agent = await startAgentProcess(['serve', '--port', '0', '--store', storeDir]);
    try {
      const r = await runCli(['import', SAMPLE, '--store', storeDir]);
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, /in use by the lablog agent with pid \d+ at http:\/\/127\.0\.0\.1:\d+/);
      // the agent's store is untouched
      const exp = await get(agent.url, 'experiments/get-by-name', { experiment_name: 'iris-notebook' });
      assert.equal(exp.status, 404);
    } finally {
      agent.child.kill('SIGTERM');
      await agent.exited;
      await rm(storeDir, { recursive: true, force: true });
    }
  });

  test('broken parts of a store are skipped and listed; the rest is imported', async () => {
    const work = await mkdtemp(join(tmpdir(), 'lablog-import-'));
    const copy = join(work, 'mlruns');
    try {
      await cp(SAMPLE, copy, { recursive: true });
      await writeFile(join(copy, IRIS, RUNS.depth2, 'meta.yaml'), 'run_id: [broken\n');
      await writeFile(join(copy, IRIS, RUNS.depth4, 'metrics', 'weird'), '1795461145446 nan 0\nthis is not a point\n');
      const r = await runCli(['import', copy, '--store', join(work, 'store')]);
      assert.equal(r.code, 0, r.output);
      assert.equal(summaryLine(r.output, 'runs'), '5 new, 0 already there');
      assert.match(r.output, /skipped\s+2 item/);
      assert.match(r.output, new RegExp(`${RUNS.depth2}/meta\\.yaml: not valid YAML`));
      assert.match(r.output, /metrics\/weird:2: not "timestamp value step"/);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
