/**
 * Capture with no user code, in PyPI's JupyterLab 4 (the venv .ci/run makes; Chromium) with a real
 * Python kernel and the real MLflow client: a cell that starts a run, prints and plots with
 * matplotlib leaves the figure (`figures/cell-<n>-1.png`) and the printed text (`logs/console.log`)
 * in that run and not in the next one; the kernel's system metrics appear while the run is active
 * and stop once it ends. The agent is started by hand with a short sampling interval and the
 * extension installed as `lablog jupyter install --dir` installs it (the npm path).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { createAgent, type Agent } from 'lablog';
import { runCli } from '../support/agentProcess.js';
import { launchBrowser } from '../support/browser.js';
import { fullHistory, get } from '../support/mlflowHttp.js';
import { artifactBytes, artifactText } from '../support/notebookHttp.js';
import { freePort } from '../support/tcpProxy.js';
import { JUPYTER_SKIP, openJupyterLab, openNotebook, runCell, startJupyterLab, writeNotebook, type StartedJupyterLab } from '../support/jupyterLab.js';

const PLUGIN = '@lablog/jupyterlab:plugin';
const INTERVAL_MS = 400;
const CPU = 'system/cpu_utilization_percentage';

let browser: Browser;
let lab: StartedJupyterLab;
let agent: Agent;
let agentUrl: string;
let work: string;

/** Runs a cell and returns its execution count and printed text. */
async function run(page: Page, path: string, index: number, source: string): Promise<{ count: number; out: string }> {
  const out = await runCell(page, path, index, source, 120_000);
  const prompt = await page.evaluate(({ p, i }) => {
    let panel: any;
    for (const w of window.jupyterapp.shell.widgets('main')) if (w.context?.path === p) panel = w;
    return panel.content.widgets[i].node.querySelector('.jp-InputPrompt').textContent as string;
  }, { p: path, i: index });
  return { count: Number(/\[(\d+)\]/.exec(prompt)?.[1]), out };
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function files(runId: string, folder: string): Promise<string[]> {
  const r = await get<{ files?: Array<{ path: string }> }>(agentUrl, 'artifacts/list', { run_id: runId, path: folder });
  return (r.body.files ?? []).map((f) => f.path).sort();
}

describe('figures, console output and system metrics of a notebook run', { skip: JUPYTER_SKIP }, () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'lablog-jlab-capture-'));
    const port = await freePort();
    agentUrl = `http://127.0.0.1:${port}`;
    const share = join(work, 'share');
    const installed = await runCli(['jupyter', 'install', '--dir', share]);
    assert.equal(installed.code, 0, installed.output);
    [browser, lab] = await Promise.all([launchBrowser(), startJupyterLab({ jupyterPath: [share], settings: { [PLUGIN]: { agentUrl } } })]);
    const labOrigin = new URL(lab.url).origin;
    agent = await createAgent({ store: join(work, 'store'), allowOrigins: [labOrigin, labOrigin.replace('127.0.0.1', 'localhost')], systemMetrics: { intervalMs: INTERVAL_MS, gpuCommand: join(work, 'no-nvidia-smi') } });
    agentUrl = await agent.listen(port);
  });

  after(async () => {
    await browser?.close();
    await lab?.close();
    await agent?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('a plot and a print land in the run active in that cell, its system metrics while it runs and not after', async () => {
    const path = await writeNotebook(lab.notebookDir, 'plots.ipynb', ['']);
    const p = await openJupyterLab(browser, lab.url);
    try {
      await openNotebook(p.page, path);
      // linked once the kernel's tracking URI is the session's
      await until('the kernel link', async () => (await run(p.page, path, 0, "import os; print(os.environ.get('MLFLOW_TRACKING_URI', ''))")).out.includes('/nb/'), 60_000);

      const plot = await run(
        p.page,
        path,
        1,
        `import mlflow, matplotlib.pyplot as plt
run = mlflow.start_run(run_name='plots')
print('training', run.info.run_id)
plt.plot([1, 2, 3], [3, 1, 2])
plt.title('loss')
plt.show()`,
      );
      const runId = /training ([0-9a-f]{32})/.exec(plot.out)?.[1];
      assert.ok(runId, plot.out);
      const figure = `figures/cell-${plot.count}-1.png`;
      await until('the figure', async () => (await files(runId, 'figures')).includes(figure));
      const png = (await artifactBytes(agentUrl, runId, figure))!;
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      assert.ok(png.length > 2000, 'a real plot');
      const log = await until('the console log', () => artifactText(agentUrl, runId, 'logs/console.log'));
      assert.ok(log.includes(`training ${runId}`), log);

      // system metrics while the run is active: the kernel's process tree and the host
      await until('two samples', async () => (await fullHistory(agentUrl, runId, CPU)).length >= 2);
      const metrics = (await get<{ run: { data: { metrics?: Array<{ key: string; value: number }> } } }>(agentUrl, 'runs/get', { run_id: runId })).body.run.data.metrics ?? [];
      const keys = new Set(metrics.map((m) => m.key));
      for (const k of [CPU, 'system/system_memory_usage_megabytes', 'system/kernel_cpu_utilization_percentage', 'system/kernel_memory_rss_megabytes', 'system/kernel_threads']) assert.ok(keys.has(k), `${k} in ${[...keys].join(', ')}`);
      assert.ok(metrics.find((m) => m.key === 'system/kernel_memory_rss_megabytes')!.value > 30, 'a Python kernel with mlflow and matplotlib loaded');
      assert.ok(![...keys].some((k) => k.startsWith('system/gpu_')), 'no GPU here: none sampled');

      // the panel's run view: the System tab charts them, Figures shows the plot
      await p.page.evaluate(() => window.jupyterapp.commands.execute('lablog:open-panel'));
      await p.page.waitForSelector(`#lablog-run-panel tr[data-run-id="${runId}"] a`, { timeout: 20_000 });
      await p.page.click(`#lablog-run-panel tr[data-run-id="${runId}"] a`);
      await p.page.click('#lablog-run-panel .ll-tab[data-tab="system"]');
      await p.page.waitForSelector(`#lablog-run-panel [data-metric-key="${CPU}"]`, { timeout: 20_000 });
      assert.equal(await p.page.$('#lablog-run-panel [data-metric-key="loss"]'), null);
      await p.page.click('#lablog-run-panel .ll-tab[data-tab="figures"]');
      await p.page.waitForFunction((path) => (document.querySelector(`#lablog-run-panel .ll-figure[data-path="${path}"] img`) as any)?.naturalWidth > 100, figure, { timeout: 20_000 });
      await p.screenshot('jupyterlab-panel-figures');

      // the run ends in the next cell: sampling stops
      await run(p.page, path, 2, 'mlflow.end_run()');
      await sleep(INTERVAL_MS * 2);
      const samples = (await fullHistory(agentUrl, runId, CPU)).length;
      await sleep(INTERVAL_MS * 4);
      assert.equal((await fullHistory(agentUrl, runId, CPU)).length, samples, 'no sample after the run ended');

      // a later run gets its own cells' output, not the first one's
      const next = await run(p.page, path, 3, "with mlflow.start_run(run_name='second') as r:\n    print('second', r.info.run_id)");
      const secondId = /second ([0-9a-f]{32})/.exec(next.out)?.[1];
      assert.ok(secondId, next.out);
      const secondLog = await until('the second log', () => artifactText(agentUrl, secondId, 'logs/console.log')).catch(async (err: unknown) => {
        const info = (await get(agentUrl, 'runs/get', { run_id: secondId })).body;
        const exec = await artifactText(agentUrl, secondId, 'notebook/execution_log.jsonl');
        throw new Error(`${String(err)}; run: ${JSON.stringify(info)}; its execution log: ${exec}; files: ${await files(secondId, '')}`);
      });
      assert.ok(secondLog.includes(`second ${secondId}`));
      assert.ok(!secondLog.includes('training'), 'the first run’s output is not in the second');
      assert.deepEqual(await files(secondId, 'figures'), []);
      assert.ok(!(await artifactText(agentUrl, runId, 'logs/console.log'))!.includes('second'), 'nor the second’s in the first');
      assert.deepEqual(await files(runId, 'figures'), [figure]);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });
});
