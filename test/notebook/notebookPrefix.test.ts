/**
 * The whole MLflow API under a notebook session's tracking URI (`/nb/<session>`): runs created
 * there carry the notebook, kernel and git tags over whatever the client sent; logging,
 * artifacts, search, the registry and lablog's own endpoints all work there; an unknown
 * session still logs; the TS client pointed at the prefix logs over the live channel.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerMessage } from '@lablog/schema';
import { Lablog } from '@lablog/client';
import { getArtifact, putArtifact } from '../support/artifactHttp.js';
import { LiveTestClient } from '../support/liveClient.js';
import { PYTHON_SESSION, artifactText, notebook, putNotebook, registerSession, sendJson } from '../support/notebookHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

type RunBody = { run: { info: { run_id: string; experiment_id: string; status: string; artifact_uri: string }; data: { tags?: Array<{ key: string; value: string }>; metrics?: Array<{ key: string; value: number }> } } };

const tagsOf = (r: RunBody) => Object.fromEntries((r.run.data.tags ?? []).map((t) => [t.key, t.value]));

describe('the MLflow API under /nb/<session>', () => {
  let a: StartedAgent;
  let nb: string;
  const api = (path: string) => `/nb/kernel-p/api/2.0/mlflow/${path}`;
  before(async () => {
    a = await startAgent();
    nb = (await registerSession(a.url, 'kernel-p')).tracking_uri;
  });
  after(() => a.close());

  test('runs/create tags the run with the notebook, kernel, Python, libraries and git, over what the client sent', async () => {
    const r = await sendJson<RunBody>(a.url, 'POST', api('runs/create'), {
      experiment_id: '0',
      start_time: Date.now(),
      tags: [
        { key: 'mlflow.source.name', value: '/usr/lib/python3/dist-packages/ipykernel_launcher.py' },
        { key: 'mlflow.source.type', value: 'LOCAL' },
        { key: 'mlflow.user', value: 'ada' },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const tags = tagsOf(r.body);
    const p = PYTHON_SESSION;
    assert.deepEqual(
      {
        'mlflow.source.name': p.notebook_path,
        'mlflow.source.type': 'NOTEBOOK',
        'mlflow.user': 'ada',
        'lablog.session': 'kernel-p',
        'lablog.kernel.name': 'python3',
        'lablog.kernel.language': 'python',
        'lablog.kernel.language_version': '3.11.4',
        'lablog.kernel.implementation': 'cpython',
        'lablog.kernel.implementation_version': '3.11.4',
        'lablog.python.version': '3.11.4',
        'lablog.platform': 'Linux-6.1-x86_64',
        'lablog.hostname': 'lab-host',
        'lablog.lib.numpy': '1.26.4',
        'lablog.lib.scikit-learn': '1.4.2',
        'mlflow.source.git.commit': p.git!.commit,
        'mlflow.source.git.branch': 'main',
        'mlflow.source.git.repoURL': 'https://example.org/team/models.git',
        'lablog.git.dirty': 'true',
      },
      Object.fromEntries(Object.entries(tags).filter(([k]) => k !== 'mlflow.runName')),
    );
    // the tags are the run's, as read from anywhere
    const got = await sendJson<RunBody>(a.url, 'GET', `/api/2.0/mlflow/runs/get?run_id=${r.body.run.info.run_id}`);
    assert.equal(tagsOf(got.body)['mlflow.source.type'], 'NOTEBOOK');
  });

  test('logging, metric history, search, artifacts and lablog endpoints all work under the prefix', async () => {
    const exp = await sendJson<{ experiment_id: string }>(a.url, 'POST', api('experiments/create'), { name: 'nb-prefix' });
    assert.equal(exp.status, 200);
    const run = await sendJson<RunBody>(a.url, 'POST', api('runs/create'), { experiment_id: exp.body.experiment_id, start_time: Date.now() });
    const runId = run.body.run.info.run_id;
    assert.equal((await sendJson(a.url, 'POST', api('runs/log-metric'), { run_id: runId, key: 'loss', value: 0.5, timestamp: Date.now(), step: 0 })).status, 200);
    assert.equal((await sendJson(a.url, 'POST', api('runs/log-parameter'), { run_id: runId, key: 'lr', value: '0.01' })).status, 200);
    const batch = await sendJson(a.url, 'POST', api('runs/log-batch'), {
      run_id: runId,
      metrics: [1, 2, 3].map((step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: Date.now(), step })),
      tags: [{ key: 'phase', value: 'train' }],
    });
    assert.equal(batch.status, 200);
    const history = await sendJson<{ metrics: unknown[] }>(a.url, 'GET', `${api('metrics/get-history')}?run_id=${runId}&metric_key=loss`);
    assert.equal(history.body.metrics.length, 4);
    const down = await sendJson<{ total: number }>(a.url, 'GET', `/nb/kernel-p/api/2.0/lablog/metrics/downsample?run_id=${runId}&metric_key=loss`);
    assert.equal(down.status, 200);
    assert.equal(down.body.total, 4);
    const search = await sendJson<{ runs: RunBody['run'][] }>(a.url, 'POST', api('runs/search'), { experiment_ids: [exp.body.experiment_id], filter: "params.lr = '0.01' and tags.`lablog.session` = 'kernel-p'" });
    assert.deepEqual(search.body.runs.map((r) => r.info.run_id), [runId]);
    const ajax = await sendJson(a.url, 'GET', `/nb/kernel-p/ajax-api/2.0/mlflow/runs/get?run_id=${runId}`);
    assert.equal(ajax.status, 200);

    // artifacts through the proxy, resolved from the tracking URI as the MLflow client does
    const proxied = `${nb}/api/2.0/mlflow-artifacts/artifacts/${exp.body.experiment_id}/${runId}/artifacts`;
    assert.equal((await putArtifact(`${proxied}/model/weights.bin`, new Uint8Array([1, 2, 3]))).status, 200);
    const file = await getArtifact(`${proxied}/model/weights.bin`);
    assert.deepEqual([...file.body], [1, 2, 3]);
    const list = await sendJson<{ files: Array<{ path: string }> }>(a.url, 'GET', `${api('artifacts/list')}?run_id=${runId}&path=model`);
    assert.deepEqual(list.body.files.map((f) => f.path), ['model/weights.bin']);
    const ui = await fetch(`${nb}/get-artifact?run_uuid=${runId}&path=model/weights.bin`);
    assert.equal(ui.status, 200);
    await ui.arrayBuffer();

    // registry and server info under the prefix too
    assert.equal((await sendJson(a.url, 'POST', `/nb/kernel-p/api/2.0/mlflow/registered-models/create`, { name: 'nb-model' })).status, 200);
    assert.equal(await (await fetch(`${nb}/health`)).text(), 'OK');
    assert.equal((await fetch(`${nb}/version`)).status, 200);

    const ended = await sendJson<{ run_info: { status: string } }>(a.url, 'POST', api('runs/update'), { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    assert.equal(ended.body.run_info.status, 'FINISHED');
  });

  test('runs created at the root are not notebook runs', async () => {
    const r = await sendJson<RunBody>(a.url, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    assert.equal(tagsOf(r.body)['lablog.session'], undefined);
    assert.equal(await artifactText(a.url, r.body.run.info.run_id, 'environment/packages.txt'), null);
  });

  test('an unknown session still serves the API; its runs get only the session and NOTEBOOK tags', async () => {
    const r = await sendJson<RunBody>(a.url, 'POST', '/nb/not-registered/api/2.0/mlflow/runs/create', {
      experiment_id: '0',
      tags: [{ key: 'mlflow.source.name', value: 'ipykernel_launcher.py' }],
    });
    assert.equal(r.status, 200);
    const tags = tagsOf(r.body);
    assert.equal(tags['lablog.session'], 'not-registered');
    assert.equal(tags['mlflow.source.type'], 'NOTEBOOK');
    assert.equal(tags['mlflow.source.name'], 'ipykernel_launcher.py');
    assert.equal(tags['lablog.kernel.language'], undefined);
    const runId = r.body.run.info.run_id;
    assert.equal((await sendJson(a.url, 'POST', '/nb/not-registered/api/2.0/mlflow/runs/log-metric', { run_id: runId, key: 'x', value: 1, timestamp: 1 })).status, 200);
    const end = await sendJson(a.url, 'POST', '/nb/not-registered/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    assert.equal(end.status, 200);
    const listing = await sendJson<{ files?: unknown[] }>(a.url, 'GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}`);
    assert.equal(listing.body.files, undefined, 'no artifacts for a session the agent does not know');
  });

  test('a malformed session id in the prefix is a 400', async () => {
    const r = await sendJson(a.url, 'POST', `/nb/${'x'.repeat(65)}/api/2.0/mlflow/runs/create`, { experiment_id: '0' });
    assert.equal(r.status, 400);
    assert.match(String(r.body.message), /session id/);
  });

  test('notebook artifacts are announced to live viewers like any artifact', async (t) => {
    await putNotebook(a.url, 'kernel-p', notebook('announce = 1'));
    const viewer = await LiveTestClient.connect(a.url);
    t.after(() => viewer.close());
    viewer.send({ type: 'subscribe', id: 'all', scope: { kind: 'all' } });
    await viewer.next((m) => m.type === 'subscribed');
    const r = await sendJson<RunBody>(a.url, 'POST', api('runs/create'), { experiment_id: '0' });
    const isArtifact = (path: string) => (m: ServerMessage) =>
      m.type === 'event' && m.event.kind === 'artifact' && m.event.run_id === r.body.run.info.run_id && m.event.path === path;
    await viewer.next(isArtifact('notebook/start.ipynb'));
    await viewer.next(isArtifact('environment/packages.txt'));
  });

  test('the TS client pointed at the prefix logs over the live channel there, and its runs are notebook runs', async () => {
    const lablog = new Lablog({ url: nb, spoolDir: false });
    try {
      const run = await lablog.startRun({ runName: 'from-ts' });
      for (let step = 0; step < 5; step++) run.logMetric('acc', step / 5, { step });
      await run.endRun();
      const got = await lablog.query.getRun(run.id);
      const tags = Object.fromEntries((got.data.tags ?? []).map((t) => [t.key, t.value]));
      assert.equal(tags['mlflow.source.name'], PYTHON_SESSION.notebook_path, 'the script path the TS client sends is replaced');
      assert.equal(tags['lablog.session'], 'kernel-p');
      assert.equal(got.info.status, 'FINISHED');
      assert.equal((await lablog.query.downsample(run.id, 'acc')).total, 5);
      assert.match((await artifactText(a.url, run.id, 'notebook/end.ipynb')) ?? '', /announce = 1/);
      const live = await LiveTestClient.connect(nb);
      await live.close();
    } finally {
      await lablog.close();
    }
  });
});
