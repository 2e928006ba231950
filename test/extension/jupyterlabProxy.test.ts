/**
 * lablog where notebook users run it: PyPI's JupyterLab with the jupyterlab-lablog wheel
 * installed, under `--ServerApp.base_url=/user/alice/` with a token, as a JupyterHub
 * single-user server. Nobody starts the agent: the Jupyter server does on first use, and the
 * browser reaches it only through Jupyter's port (every other request of the page is refused).
 * A notebook trains with the real mlflow 3 client (`mlflow.sklearn.autolog()`, a metric every
 * 100 ms): the run shows in the panel and its chart grows while the cell runs; the run has the
 * notebook and kernel tags, both snapshots and the execution log; the model registers and loads
 * as `models:/<name>@<alias>`. JupyterLab restarted on the same store finds the earlier run and
 * appends. The kernels log to the agent's loopback URL directly.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startAgentProcess } from '../support/agentProcess.js';
import { launchBrowser, refusedByPort } from '../support/browser.js';
import { get, post } from '../support/mlflowHttp.js';
import { JUPYTER_SKIP, openJupyterLab, openNotebook, runCell, setCell, startCell, startJupyterLab, waitForCell, writeNotebook, type StartedJupyterLab } from '../support/jupyterLab.js';

const TOKEN = 'e2e-jupyter-token';
const BASE = '/user/alice/';
/** JupyterLab's own link detector probes path-like output text; its 404s are not lablog's. */
const JUPYTERLAB_NOISE = ['/api/resolvePath', '/api/contents/'];

/** The training cell: sklearn autolog, a metric every 100 ms, the model registered and loaded by alias. */
const TRAIN_CELL = (name: string, steps: number) => `
import time, mlflow, mlflow.sklearn
from mlflow import MlflowClient
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
mlflow.sklearn.autolog()
X, y = load_iris(return_X_y=True)
with mlflow.start_run(run_name=${JSON.stringify(name)}) as run:
    model = LogisticRegression(max_iter=300).fit(X, y)
    for i in range(${steps}):
        mlflow.log_metric('loss', 1 / (i + 1), step=i)
        time.sleep(0.1)
version = mlflow.register_model(mlflow.last_logged_model().model_uri, 'iris-e2e')
MlflowClient().set_registered_model_alias('iris-e2e', 'champion', version.version)
loaded = mlflow.sklearn.load_model('models:/iris-e2e@champion')
print(run.info.run_id, int(loaded.predict(X[:1])[0]))
`;

let browser: Browser;
let lab: StartedJupyterLab;
let work: string;
let dataDir: string;

/** The agent the Jupyter server started, from the file it wrote in its store. */
async function agentOfStore(): Promise<{ url: string; pid: number }> {
  return JSON.parse(await readFile(join(dataDir, 'lablog', 'agent.json'), 'utf8')) as { url: string; pid: number };
}

function panelRuns(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelectorAll('#lablog-run-panel .ll-notebook-runs-table[data-kind="mine"] tr')].map((tr: any) => tr.dataset.runId as string));
}

async function openPanel(page: Page): Promise<void> {
  await page.evaluate(() => window.jupyterapp.commands.execute('lablog:open-panel'));
  await page.waitForSelector('#lablog-run-panel .ll-connection[data-state="up"]', { timeout: 60_000 });
}

/** Waits until the kernel logs to its session's prefix on the agent. */
async function linkedUri(page: Page, path: string, cell: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const out = await runCell(page, path, cell, "import os; print(os.environ.get('MLFLOW_TRACKING_URI', 'unset'))");
    if (out.includes('/nb/')) return out;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the kernel was never linked');
}

describe('JupyterLab from PyPI with jupyterlab-lablog', { skip: JUPYTER_SKIP }, () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'lablog-jlab-proxy-'));
    dataDir = join(work, 'jupyter-data');
    [browser, lab] = await Promise.all([launchBrowser(), startJupyterLab({ baseUrl: BASE, token: TOKEN, dataDir })]);
  });

  after(async () => {
    await browser?.close();
    await lab?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('the Jupyter server starts the agent; a real mlflow 3 notebook logs and the panel draws it live, through Jupyter only', async () => {
    assert.equal(existsSync(join(dataDir, 'lablog', 'agent.json')), false, 'no agent before JupyterLab is used');
    const path = await writeNotebook(lab.notebookDir, 'train.ipynb', ['']);
    const p = await openJupyterLab(browser, lab.url, { token: TOKEN, onlyPort: lab.port, expectedErrors: JUPYTERLAB_NOISE });
    try {
      await openNotebook(p.page, path);
      await openPanel(p.page);
      const agent = await agentOfStore();
      const uri = await linkedUri(p.page, path, 0);
      // the kernel logs to the agent directly, on its loopback address, never through Jupyter
      assert.match(uri, new RegExp(`^${agent.url}/nb/[A-Za-z0-9_-]+$`));

      await setCell(p.page, path, 1, TRAIN_CELL('e2e-proxy', 60));
      const before = await startCell(p.page, path, 1);
      await p.page.waitForFunction(() => document.querySelectorAll('#lablog-run-panel .ll-notebook-runs-table[data-kind="mine"] tr').length > 0, null, { timeout: 60_000 });
      const [runId] = await panelRuns(p.page);
      assert.ok(runId);
      await p.page.click(`#lablog-run-panel tr[data-run-id="${runId}"] a`);
      await p.page.click('#lablog-run-panel .ll-tab[data-tab="charts"]');
      const chart = '#lablog-run-panel [data-metric-key="loss"]';
      await p.page.waitForSelector(chart, { timeout: 30_000 });
      const first = Number(await p.page.getAttribute(chart, 'data-points'));
      await p.page.waitForFunction(({ sel, n }) => Number(document.querySelector(sel)?.getAttribute('data-points')) > n + 5, { sel: chart, n: first }, { timeout: 30_000 });
      const stillRunning = await p.page.evaluate(() => (document.querySelectorAll('.jp-Notebook .jp-Cell .jp-InputPrompt')[1]?.textContent ?? '').includes('*'));
      assert.equal(stillRunning, true, 'the chart grew while the cell was still running');
      await p.screenshot('jupyterlab-proxy-live');
      const printed = await waitForCell(p.page, path, 1, before, 120_000);
      assert.match(printed, new RegExp(`^${runId} 0$`, 'm'), printed);

      // what the agent holds (the test reaches it directly; the browser could not)
      const run = (await get<{ run: { data: { tags: Array<{ key: string; value: string }>; params?: Array<{ key: string }> } } }>(agent.url, 'runs/get', { run_id: runId })).body.run;
      const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
      assert.equal(tags['mlflow.source.name'], 'train.ipynb');
      assert.equal(tags['mlflow.source.type'], 'NOTEBOOK');
      assert.equal(tags['lablog.kernel.language'], 'python');
      assert.match(tags['lablog.lib.scikit-learn'] ?? '', /^1\./);
      assert.ok(run.data.params?.some((p) => p.key === 'max_iter'), 'autolog logged the estimator params');
      let files: string[] = [];
      for (let i = 0; i < 100 && files.length < 3; i++) {
        if (i) await new Promise((r) => setTimeout(r, 100));
        files = (await get<{ files?: Array<{ path: string }> }>(agent.url, 'artifacts/list', { run_id: runId, path: 'notebook' })).body.files?.map((f) => f.path) ?? [];
      }
      assert.deepEqual(files.sort(), ['notebook/end.ipynb', 'notebook/execution_log.jsonl', 'notebook/start.ipynb']);
      const alias = await get<{ model_version: { version: string; source: string } }>(agent.url, 'registered-models/alias', { name: 'iris-e2e', alias: 'champion' });
      assert.equal(alias.status, 200, JSON.stringify(alias.body));
      assert.match(alias.body.model_version.source, /^models:\/m-/);

      // the browser never tried any port but Jupyter's
      assert.deepEqual(refusedByPort.get(p.context) ?? [], []);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test('the standalone page works under <base_url>lablog/', async () => {
    const p = await openJupyterLab(browser, lab.url, { token: TOKEN, onlyPort: lab.port, expectedErrors: JUPYTERLAB_NOISE });
    try {
      // the page is reached with the Jupyter login cookie the lab page set
      await p.page.goto(`${lab.url}/lablog/#/`);
      await p.page.waitForSelector('.ll-connection[data-state="up"]', { timeout: 30_000 });
      await p.page.waitForFunction(() => document.body.textContent?.includes('Default'), null, { timeout: 30_000 });
      assert.deepEqual(refusedByPort.get(p.context) ?? [], []);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test('JupyterLab restarted on the same store: the earlier run is there, new ones append', async () => {
    const earlier = await agentOfStore();
    const before = (await post<{ runs?: Array<{ info: { run_id: string } }> }>(earlier.url, 'runs/search', { experiment_ids: ['0'] })).body;
    await lab.close();
    assert.equal(existsSync(join(dataDir, 'lablog', 'agent.json')), false, 'the agent stopped with the Jupyter server');
    lab = await startJupyterLab({ baseUrl: BASE, token: TOKEN, dataDir });
    const path = await writeNotebook(lab.notebookDir, 'train.ipynb', ['']);
    const p = await openJupyterLab(browser, lab.url, { token: TOKEN, onlyPort: lab.port, expectedErrors: JUPYTERLAB_NOISE });
    try {
      await openNotebook(p.page, path);
      await openPanel(p.page);
      const agent = await agentOfStore();
      assert.notEqual(agent.pid, earlier.pid);
      await linkedUri(p.page, path, 0);
      const out = await runCell(p.page, path, 1, "import mlflow\nwith mlflow.start_run(run_name='after-restart') as r:\n    mlflow.log_metric('loss', 0.5)\nprint(r.info.run_id)", 120_000);
      const rid = /^[0-9a-f]{32}$/m.exec(out)?.[0];
      assert.ok(rid, out);
      await p.page.waitForFunction((id) => !!document.querySelector(`#lablog-run-panel tr[data-run-id="${id}"]`), rid, { timeout: 30_000 });
      const runs = (await post<{ runs?: Array<{ info: { run_id: string } }> }>(agent.url, 'runs/search', { experiment_ids: ['0'] })).body.runs ?? [];
      const ids = runs.map((r) => r.info.run_id);
      for (const r of before.runs ?? []) assert.ok(ids.includes(r.info.run_id), 'an earlier run is still there');
      assert.ok(ids.includes(rid));
      assert.equal(ids.length, (before.runs?.length ?? 0) + 1);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test('a cell that logs before the agent is up waits for it: the run lands in the agent, nothing in ./mlruns', async () => {
    const data = join(work, 'data-early');
    const early = await startJupyterLab({ baseUrl: BASE, token: TOKEN, dataDir: data });
    try {
      // lablog's extension off in this JupyterLab: nothing asks for the agent but the test
      await mkdir(join(early.configDir, 'labconfig'), { recursive: true });
      await writeFile(join(early.configDir, 'labconfig', 'page_config.json'), JSON.stringify({ disabledExtensions: { '@lablog/jupyterlab': true } }));
      const path = await writeNotebook(early.notebookDir, 'early.ipynb', ['']);
      const p = await openJupyterLab(browser, early.url, { token: TOKEN, onlyPort: early.port, expectedErrors: JUPYTERLAB_NOISE });
      try {
        await openNotebook(p.page, path);
        await setCell(p.page, path, 0, "import mlflow\nwith mlflow.start_run(run_name='early') as r:\n    mlflow.log_metric('loss', 0.25)\nprint(r.info.run_id)");
        const before = await startCell(p.page, path, 0);
        await new Promise((r) => setTimeout(r, 3000));
        assert.equal(existsSync(join(data, 'lablog', 'agent.json')), false, 'the agent is not started yet');
        // the first use of <base_url>lablog/ starts it
        const res = await fetch(`${early.url}/lablog/health`, { headers: { authorization: `token ${TOKEN}` } });
        assert.equal(res.status, 200);
        const out = await waitForCell(p.page, path, 0, before, 180_000);
        const rid = /^[0-9a-f]{32}$/m.exec(out)?.[0];
        assert.ok(rid, out);
        const agent = JSON.parse(await readFile(join(data, 'lablog', 'agent.json'), 'utf8')) as { url: string };
        const run = await get<{ run: { info: { run_name: string }; data: { metrics: Array<{ key: string; value: number }> } } }>(agent.url, 'runs/get', { run_id: rid });
        assert.equal(run.status, 200, JSON.stringify(run.body));
        assert.equal(run.body.run.info.run_name, 'early');
        assert.deepEqual(run.body.run.data.metrics.map((m) => [m.key, m.value]), [['loss', 0.25]]);
        assert.equal((await readdir(early.notebookDir)).includes('mlruns'), false, 'nothing was logged to ./mlruns');
      } finally {
        await p.close();
      }
    } finally {
      await early.close();
    }
  });

  test('an agent already serving the store is reused, not duplicated, and outlives the Jupyter server', async () => {
    const store = join(work, 'hand-store');
    const hand = await startAgentProcess(['serve', '--port', '0', '--store', store]);
    try {
      const reusing = await startJupyterLab({ baseUrl: BASE, token: TOKEN, env: { LABLOG_STORE: store } });
      try {
        const res = await fetch(`${reusing.url}/lablog/api/2.0/lablog/agent`, { headers: { authorization: `token ${TOKEN}` } });
        assert.equal(res.status, 200);
        assert.equal(((await res.json()) as { url: string }).url, hand.url);
        assert.match(reusing.log(), /already serves/);
      } finally {
        await reusing.close();
      }
      const health = await fetch(`${hand.url}/health`);
      assert.equal(health.status, 200, 'the agent started by hand still runs');
      assert.equal((JSON.parse(await readFile(join(store, 'agent.json'), 'utf8')) as { pid: number }).pid, hand.child.pid);
    } finally {
      hand.child.kill('SIGTERM');
      await hand.exited;
    }
  });
});
