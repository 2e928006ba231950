/**
 * The real MLflow Python client (2.12.2, from /work/mlflow-client when present) with
 * MLFLOW_TRACKING_URI set to a session's tracking URI, as the extension sets it in the kernel:
 * its run is a notebook run, and its metrics, params and artifacts land as at the root.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { PYTHON_SESSION, artifactText, notebook, postExecutions, putNotebook, registerSession, sendJson } from '../support/notebookHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

const MLFLOW_SRC = '/work/mlflow-client/src';
const PYTHON = '/usr/bin/python3';
const available = existsSync(MLFLOW_SRC) && existsSync(PYTHON);

// What a notebook cell would run; prints the run id.
const SCRIPT = `
import os, tempfile, mlflow
mlflow.set_experiment("nb-python")
with mlflow.start_run() as run:
    mlflow.log_param("lr", 0.01)
    for step in range(5):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    path = os.path.join(tempfile.mkdtemp(), "notes.txt")
    with open(path, "w") as f:
        f.write("hello from the kernel")
    mlflow.log_artifact(path, artifact_path="extra")
    print(run.info.run_id)
`;

type RunBody = { run: { info: { run_id: string; status: string; start_time: number }; data: { tags?: Array<{ key: string; value: string }>; params?: Array<{ key: string; value: string }> } } };

describe('the MLflow Python client under a session prefix', { skip: available ? false : `no MLflow client at ${MLFLOW_SRC}` }, () => {
  let a: StartedAgent;
  before(async () => {
    a = await startAgent();
  });
  after(() => a.close());

  test('a run with log_param, log_metric and log_artifact is a notebook run with its snapshots and log', async () => {
    const { tracking_uri } = await registerSession(a.url, 'py-kernel');
    await putNotebook(a.url, 'py-kernel', notebook('with mlflow.start_run(): ...'));
    const started = Date.now();
    const { stdout } = await promisify(execFile)(PYTHON, ['-c', SCRIPT], {
      env: { ...process.env, PYTHONPATH: MLFLOW_SRC, MLFLOW_TRACKING_URI: tracking_uri, GIT_PYTHON_REFRESH: 'quiet' },
      timeout: 120_000,
    });
    const runId = stdout.trim().split('\n').pop()!;
    assert.match(runId, /^[0-9a-f]{32}$/);
    // the cell finished: the extension sends the notebook with its outputs, and the cell
    await putNotebook(a.url, 'py-kernel', notebook('with mlflow.start_run(): ...', 'run done'));
    assert.deepEqual(await postExecutions(a.url, 'py-kernel', [{ execution_count: 1, source: 'with mlflow.start_run(): ...', started, ended: Date.now(), status: 'ok' }]), [runId]);

    const run = (await sendJson<RunBody>(a.url, 'GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`)).body.run;
    assert.equal(run.info.status, 'FINISHED');
    const tags = Object.fromEntries((run.data.tags ?? []).map((t) => [t.key, t.value]));
    assert.equal(tags['mlflow.source.name'], PYTHON_SESSION.notebook_path);
    assert.equal(tags['mlflow.source.type'], 'NOTEBOOK');
    assert.equal(tags['lablog.session'], 'py-kernel');
    assert.equal(tags['lablog.lib.numpy'], '1.26.4');
    assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.01' }]);
    const history = await sendJson<{ metrics: unknown[] }>(a.url, 'GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`);
    assert.equal(history.body.metrics.length, 5);

    assert.equal(await artifactText(a.url, runId, 'extra/notes.txt'), 'hello from the kernel');
    assert.match((await artifactText(a.url, runId, 'notebook/start.ipynb'))!, /start_run/);
    assert.match((await artifactText(a.url, runId, 'notebook/end.ipynb'))!, /run done/);
    assert.match((await artifactText(a.url, runId, 'notebook/execution_log.jsonl'))!, /"execution_count":1/);
    assert.equal(await artifactText(a.url, runId, 'environment/packages.txt'), `${PYTHON_SESSION.packages!.join('\n')}\n`);
  });
});
