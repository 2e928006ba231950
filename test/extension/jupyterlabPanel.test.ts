/**
 * lablog's JupyterLab extension in PyPI's JupyterLab 4 (the venv .ci/run makes; Chromium) with an
 * agent started by hand and named in the settings (the npm path: `npx lablog serve`), the
 * extension installed as that path installs it (`lablog jupyter install --dir`) and loaded
 * federated. A notebook logs through plain MLflow REST calls against the MLFLOW_TRACKING_URI the
 * extension set in its kernel; the run appears in the panel and its chart grows while the cell
 * still runs; the agent holds the notebook and kernel tags, both snapshots and the execution
 * log; the inline chart renders; the agent going down and up is survived.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createAgent, type Agent } from 'lablog';
import { runCli } from '../support/agentProcess.js';
import { launchBrowser, type TestPage } from '../support/browser.js';
import { get } from '../support/mlflowHttp.js';
import { JUPYTER_SKIP, openJupyterLab, openNotebook, runCell, setCell, startCell, waitForCell, isPluginActivated, startJupyterLab, writeNotebook, type StartedJupyterLab } from '../support/jupyterLab.js';

const PLUGIN = '@lablog/jupyterlab:plugin';
/** Chromium reports refused connections (the agent stopped on purpose) as console errors. */
const AGENT_DOWN_ERRORS = ['ERR_CONNECTION_REFUSED', 'WebSocket connection to'];

let browser: Browser;
let lab: StartedJupyterLab;
let agent: Agent;
let agentUrl: string;
let port: number;
let work: string;
let store: string;

/** Python that logs a run through the MLflow REST API with urllib (no mlflow package needed). */
const LOG_CELL = (steps: number, delayS: number, name: string) => `
import json, os, time, urllib.request
api = os.environ['MLFLOW_TRACKING_URI'] + '/api/2.0/mlflow'
def call(path, body):
    req = urllib.request.Request(api + path, data=json.dumps(body).encode(), headers={'content-type': 'application/json'})
    return json.loads(urllib.request.urlopen(req).read() or b'{}')
run = call('/runs/create', {'experiment_id': '0', 'run_name': ${JSON.stringify(name)}, 'start_time': int(time.time() * 1000)})['run']
rid = run['info']['run_id']
call('/runs/log-parameter', {'run_id': rid, 'key': 'lr', 'value': '0.01'})
for i in range(${steps}):
    call('/runs/log-metric', {'run_id': rid, 'key': 'loss', 'value': 1 / (i + 1), 'timestamp': int(time.time() * 1000), 'step': i})
    time.sleep(${delayS})
call('/runs/update', {'run_id': rid, 'status': 'FINISHED', 'end_time': int(time.time() * 1000)})
print(rid)
`;

async function startOurAgent(): Promise<void> {
  agent = await createAgent({ store });
  agentUrl = await agent.listen(port);
  port = Number(new URL(agentUrl).port);
}

describe('the extension with an agent started by hand', { skip: JUPYTER_SKIP }, () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'lablog-jlab-e2e-'));
    store = join(work, 'store');
    port = 0;
    const share = join(work, 'share');
    const installed = await runCli(['jupyter', 'install', '--dir', share]);
    assert.equal(installed.code, 0, installed.output);
    await startOurAgent();
    // the user's setting: where the agent is
    [browser, lab] = await Promise.all([launchBrowser(), startJupyterLab({ jupyterPath: [share], settings: { [PLUGIN]: { agentUrl } } })]);
  });

  after(async () => {
    await browser?.close();
    await lab?.close();
    await agent?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** The panel's run rows for this notebook. */
  function panelRuns(page: Page): Promise<string[]> {
    return page.evaluate(() => [...document.querySelectorAll('#lablog-run-panel .ll-notebook-runs-table[data-kind="mine"] tr')].map((tr: any) => tr.dataset.runId as string));
  }

  async function openPanel(page: Page): Promise<void> {
    await page.evaluate(() => window.jupyterapp.commands.execute('lablog:open-panel'));
    await page.waitForSelector('#lablog-run-panel .ll-connection[data-state="up"]');
  }

  /** Waits until the notebook's kernel has the tracking URI of its session; also says how many times the cell ran. */
  async function linkedUri(page: Page, path: string, cell: number): Promise<{ uri: string; runs: number }> {
    for (let runs = 1; runs <= 100; runs++) {
      const out = await runCell(page, path, cell, "import os; print(os.environ.get('MLFLOW_TRACKING_URI', 'unset'))");
      // (before the link, a kernel of a server with jupyterlab-lablog has the Jupyter-started agent's URI)
      if (out.includes('/nb/')) return { uri: out, runs };
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the kernel was never linked');
  }

  test('the extension loads federated, links the kernel silently, and the run shows live in the panel while the cell runs', async () => {
    const path = await writeNotebook(lab.notebookDir, 'train.ipynb', ['']);
    const p: TestPage = await openJupyterLab(browser, lab.url);
    try {
      assert.equal(await isPluginActivated(p.page, PLUGIN), true);
      await openNotebook(p.page, path);
      await openPanel(p.page);
      const { uri, runs } = await linkedUri(p.page, path, 0);
      assert.match(uri, new RegExp(`^${agentUrl}/nb/[A-Za-z0-9_-]+$`));
      // the silent link left no trace: execution counts are the user's own
      const prompt = await p.page.evaluate(() => document.querySelector('.jp-Notebook .jp-Cell .jp-InputPrompt')?.textContent ?? '');
      assert.equal(prompt.trim(), `[${runs}]:`);

      await setCell(p.page, path, 1, LOG_CELL(60, 0.1, 'e2e-live'));
      const before = await startCell(p.page, path, 1);
      // the run appears in the panel while the cell runs
      await p.page.waitForFunction(() => document.querySelectorAll('#lablog-run-panel .ll-notebook-runs-table[data-kind="mine"] tr').length > 0, null, { timeout: 20_000 });
      const [runId] = await panelRuns(p.page);
      assert.ok(runId);
      await p.screenshot('jupyterlab-panel-list');
      await p.page.click(`#lablog-run-panel tr[data-run-id="${runId}"] a`);
      await p.page.click('#lablog-run-panel .ll-tab[data-tab="charts"]');
      const chart = '#lablog-run-panel [data-metric-key="loss"]';
      await p.page.waitForSelector(chart, { timeout: 20_000 });
      const first = Number(await p.page.getAttribute(chart, 'data-points'));
      await p.page.waitForFunction(({ sel, n }) => Number(document.querySelector(sel)?.getAttribute('data-points')) > n + 5, { sel: chart, n: first }, { timeout: 20_000 });
      const stillRunning = await p.page.evaluate(() => (document.querySelectorAll('.jp-Notebook .jp-Cell .jp-InputPrompt')[1]?.textContent ?? '').includes('*'));
      assert.equal(stillRunning, true, 'the chart grew while the cell was still running');
      await p.screenshot('jupyterlab-panel-live');
      const printed = await waitForCell(p.page, path, 1, before, 60_000);
      assert.equal(printed, runId);

      // what the agent holds for the run
      const run = (await get<{ run: { data: { tags: Array<{ key: string; value: string }> } } }>(agentUrl, 'runs/get', { run_id: runId })).body.run;
      const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
      assert.equal(tags['mlflow.source.name'], 'train.ipynb');
      assert.equal(tags['mlflow.source.type'], 'NOTEBOOK');
      assert.equal(tags['lablog.kernel.language'], 'python');
      assert.match(tags['lablog.python.version'] ?? '', /^3\./);
      assert.ok(tags['lablog.hostname']);
      // the cell's record and the end-of-cell snapshot are sent once the kernel is idle again
      let files: string[] = [];
      for (let i = 0; i < 100 && files.length < 3; i++) {
        if (i) await new Promise((r) => setTimeout(r, 100));
        files = (await get<{ files?: Array<{ path: string }> }>(agentUrl, 'artifacts/list', { run_id: runId, path: 'notebook' })).body.files?.map((f) => f.path) ?? [];
      }
      assert.deepEqual(files.sort(), ['notebook/end.ipynb', 'notebook/execution_log.jsonl', 'notebook/start.ipynb']);
      const log = await (await fetch(`${agentUrl}/get-artifact?run_uuid=${runId}&path=notebook/execution_log.jsonl`)).text();
      const cells = log.trim().split('\n').map((l) => JSON.parse(l) as { source: string; status: string; execution_count: number });
      assert.ok(cells.some((c) => c.source.includes('"e2e-live"') && c.status === 'ok' && c.execution_count === runs + 1), log);
      // the end snapshot carries the cell's output (the run id it printed)
      let end = '';
      for (let i = 0; i < 50 && !end.includes(runId); i++) {
        if (i) await new Promise((r) => setTimeout(r, 100));
        end = await (await fetch(`${agentUrl}/get-artifact?run_uuid=${runId}&path=notebook/end.ipynb`)).text();
      }
      assert.ok(end.includes(runId), 'the end snapshot has the ending cell output');
      const start = JSON.parse(await (await fetch(`${agentUrl}/get-artifact?run_uuid=${runId}&path=notebook/start.ipynb`)).text()) as { cells: Array<{ source: string | string[] }> };
      assert.ok(start.cells.some((c) => [c.source].flat().join('').includes('"e2e-live"')), 'the start snapshot has the cell as it was in the editor');

      // the inline chart of that run in a cell's output
      await runCell(p.page, path, 2, `from IPython.display import display\ndisplay({'application/vnd.lablog.run+json': {'run_id': '${runId}'}}, raw=True)`);
      await p.page.waitForSelector('.jp-OutputArea .ll-inline-run [data-metric-key="loss"] canvas', { timeout: 20_000 });
      await p.screenshot('jupyterlab-inline-chart');
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test('agent down: the panel says so and the notebook works; agent back: panel and kernel link recover', async () => {
    const path = await writeNotebook(lab.notebookDir, 'resilience.ipynb', ['']);
    const p = await openJupyterLab(browser, lab.url, { expectedErrors: AGENT_DOWN_ERRORS });
    try {
      await openNotebook(p.page, path);
      await openPanel(p.page);
      await linkedUri(p.page, path, 0);
      await agent.close();
      await p.page.waitForSelector('#lablog-run-panel .ll-connection[data-state="down"]', { timeout: 30_000 });
      assert.match((await p.page.textContent('#lablog-run-panel .ll-connection')) ?? '', /lablog serve/);
      assert.equal(await runCell(p.page, path, 1, '6 * 7'), '42');
      await startOurAgent();
      await p.page.waitForSelector('#lablog-run-panel .ll-connection[data-state="up"]', { timeout: 30_000 });
      const rid = await runCell(p.page, path, 2, LOG_CELL(3, 0, 'after-restart'));
      assert.match(rid, /^[0-9a-f]{32}$/);
      await p.page.waitForFunction((id) => !!document.querySelector(`#lablog-run-panel tr[data-run-id="${id}"]`), rid, { timeout: 20_000 });
      const res = await get<{ run: { data: { tags: Array<{ key: string; value: string }> } } }>(agentUrl, 'runs/get', { run_id: rid });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const run = res.body.run;
      assert.equal(run.data.tags.find((t) => t.key === 'mlflow.source.name')?.value, 'resilience.ipynb');
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });
});
