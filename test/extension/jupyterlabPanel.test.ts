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
import { freePort } from '../support/tcpProxy.js';
import { launchBrowser, openPage, type TestPage } from '../support/browser.js';
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

/** The agent as its user starts it for a JupyterLab that reaches it directly: allowing that JupyterLab's origin. */
async function startOurAgent(): Promise<void> {
  const labOrigin = new URL(lab.url).origin;
  agent = await createAgent({ store, allowOrigins: [labOrigin, labOrigin.replace('127.0.0.1', 'localhost')] });
  agentUrl = await agent.listen(port);
}

describe('the extension with an agent started by hand', { skip: JUPYTER_SKIP }, () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'lablog-jlab-e2e-'));
    store = join(work, 'store');
    port = await freePort();
    agentUrl = `http://127.0.0.1:${port}`;
    const share = join(work, 'share');
    const installed = await runCli(['jupyter', 'install', '--dir', share]);
    assert.equal(installed.code, 0, installed.output);
    // the user's setting: where the agent is; then the agent, told JupyterLab's origin
    [browser, lab] = await Promise.all([launchBrowser(), startJupyterLab({ jupyterPath: [share], settings: { [PLUGIN]: { agentUrl } } })]);
    await startOurAgent();
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

  test("the panel's run view acts on the run: rename (keyboard), description, tag, delete and restore — REST and the page see each", async () => {
    const path = await writeNotebook(lab.notebookDir, 'actions.ipynb', ['']);
    const p = await openJupyterLab(browser, lab.url);
    let viewer: TestPage | null = null;
    const panel = '#lablog-run-panel';
    const restRun = async (id: string) => (await get<{ run: { info: { run_name: string; lifecycle_stage: string }; data: { tags: Array<{ key: string; value: string }> } } }>(agentUrl, 'runs/get', { run_id: id })).body.run;
    const tagOf = async (id: string, key: string) => (await restRun(id)).data.tags.find((t) => t.key === key)?.value;
    try {
      await openNotebook(p.page, path);
      await openPanel(p.page);
      await linkedUri(p.page, path, 0);
      const rid = await runCell(p.page, path, 1, LOG_CELL(2, 0, 'panel-before'));
      await p.page.waitForSelector(`${panel} tr[data-run-id="${rid}"] a`, { timeout: 20_000 });
      await p.page.click(`${panel} tr[data-run-id="${rid}"] a`);
      await p.page.waitForSelector(`${panel} .ll-run-actions button[data-action="rename"]`);
      // a second viewer: the agent's own page on the same run
      viewer = await openPage(browser, `${agentUrl}/#/runs/${rid}`);
      await viewer.page.waitForSelector('.ll-run-actions');

      // rename with the keyboard only
      await p.page.focus(`${panel} .ll-run-actions button[data-action="rename"]`);
      await p.page.keyboard.press('Enter');
      await p.page.waitForSelector('dialog.ll-dialog[open]');
      await p.page.keyboard.press('ControlOrMeta+a');
      await p.page.keyboard.type('panel-after');
      await p.page.keyboard.press('Enter');
      await p.page.waitForFunction((sel) => document.querySelector(`${sel} .ll-run-title h1`)?.textContent === 'panel-after', panel);
      assert.equal((await restRun(rid)).info.run_name, 'panel-after');
      await viewer.page.waitForFunction(() => document.querySelector('.ll-run-title h1')?.textContent === 'panel-after');

      // the description, in Markdown
      await p.page.click(`${panel} [data-section="description"] button[data-action="describe"]`);
      await p.page.fill('dialog textarea[name="text"]', 'From the **panel**.');
      await p.page.keyboard.press('Control+Enter');
      await p.page.waitForSelector(`${panel} [data-section="description"] .ll-markdown strong`);
      assert.equal(await tagOf(rid, 'mlflow.note.content'), 'From the **panel**.');
      await viewer.page.waitForSelector('[data-section="description"] .ll-markdown strong');

      // a tag
      await p.page.click(`${panel} [data-section="tags"] button[data-action="add-tag"]`);
      await p.page.fill('dialog input[name="key"]', 'stage');
      await p.page.fill('dialog input[name="value"]', 'tried');
      await p.page.keyboard.press('Enter');
      await viewer.page.waitForSelector('[data-section="tags"] tr[data-key="stage"]');
      assert.equal(await tagOf(rid, 'stage'), 'tried');

      // delete (asked first), then restore
      await p.page.click(`${panel} .ll-run-actions button[data-action="delete"]`);
      await p.page.click('dialog button.ll-danger');
      await p.page.waitForSelector(`${panel} .ll-run-actions button[data-action="restore"]`);
      assert.equal((await restRun(rid)).info.lifecycle_stage, 'deleted');
      await viewer.page.waitForSelector('.ll-status-deleted');
      await p.page.click(`${panel} .ll-run-actions button[data-action="restore"]`);
      await p.page.waitForSelector(`${panel} .ll-run-actions button[data-action="delete"]`);
      assert.equal((await restRun(rid)).info.lifecycle_stage, 'active');
      await viewer.page.waitForSelector('.ll-status-deleted', { state: 'detached' });
      await p.screenshot('jupyterlab-panel-actions');
      assert.deepEqual([...p.errors, ...viewer.errors], []);
    } finally {
      await viewer?.close();
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
