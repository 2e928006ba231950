/**
 * lablog in a real JupyterLab 4 (the test host, Chromium): what the extension adds to
 * JupyterLab's start, how long a metric logged from a cell takes to show in the panel's chart,
 * and the panel's frame rate while a cell logs 10 metrics at 1 000 points/s each.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { runCli } from '../test/support/agentProcess.js';
import { launchBrowser } from '../test/support/browser.js';
import { openJupyterLab, openNotebook, runCell, setCell, startCell, startJupyterLab, waitForCell, writeNotebook } from '../test/support/jupyterLab.js';
import { fmt, type Row } from './table.js';

const PLUGIN = '@lablog/jupyterlab:plugin';
const LOADS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

/** Python that logs through the MLflow REST API with urllib, calling `body` with `call` and `rid` defined. */
function loggingCell(name: string, body: string): string {
  return `
import json, os, time, urllib.request
api = os.environ['MLFLOW_TRACKING_URI'] + '/api/2.0/mlflow'
def call(path, payload):
    req = urllib.request.Request(api + path, data=json.dumps(payload).encode(), headers={'content-type': 'application/json'})
    return json.loads(urllib.request.urlopen(req).read() or b'{}')
rid = call('/runs/create', {'experiment_id': '0', 'run_name': ${JSON.stringify(name)}, 'start_time': int(time.time() * 1000)})['run']['info']['run_id']
${body}
call('/runs/update', {'run_id': rid, 'status': 'FINISHED', 'end_time': int(time.time() * 1000)})
print(rid)
`;
}

/** Opens the panel, waits for the run started by the running cell, opens its charts. */
async function openRunCharts(page: Page, firstKey: string): Promise<void> {
  await page.evaluate(() => window.jupyterapp.commands.execute('lablog:open-panel'));
  await page.waitForSelector('#lablog-run-panel .ll-notebook-runs-table[data-kind="mine"] tr a', { timeout: 30_000 });
  await page.click('#lablog-run-panel .ll-notebook-runs-table[data-kind="mine"] tr a');
  await page.click('#lablog-run-panel .ll-tab[data-tab="charts"]');
  await page.waitForSelector(`#lablog-run-panel [data-metric-key="${firstKey}"][data-state="ready"]`, { timeout: 30_000 });
}

/** Runs the bench against the agent at `agentUrl`. */
export async function jupyterlabBench(agentUrl: string): Promise<Row[]> {
  const work = await mkdtemp(join(tmpdir(), 'lablog-bench-jlab-'));
  const browser = await launchBrowser();
  try {
    const share = join(work, 'share');
    const installed = await runCli(['jupyter', 'install', '--dir', share]);
    if (installed.code !== 0) throw new Error(installed.output);
    const [withExt, without] = await Promise.all([
      startJupyterLab({ jupyterPath: [share], settings: { [PLUGIN]: { agentUrl } } }),
      startJupyterLab({}),
    ]);
    try {
      // start: page load to restored layout, alternating, after one warm-up load each
      const times: Record<'with' | 'without', number[]> = { with: [], without: [] };
      for (let i = 0; i <= LOADS; i++) {
        for (const [kind, lab] of [['with', withExt], ['without', without]] as const) {
          const t0 = performance.now();
          const p = await openJupyterLab(browser, lab.url);
          const ms = performance.now() - t0;
          await p.close();
          if (i > 0) times[kind].push(ms);
        }
      }
      const added = median(times.with) - median(times.without);

      // latency: a cell logs `probe` = ms since T0 at 50 Hz; the page reads the chart's latest value every frame
      const path = await writeNotebook(withExt.notebookDir, 'bench.ipynb', ['']);
      const p = await openJupyterLab(browser, withExt.url);
      let latency: number[] = [];
      let fps = NaN;
      try {
        await openNotebook(p.page, path);
        for (let i = 0; i < 100; i++) {
          if ((await runCell(p.page, path, 0, "import os; print(os.environ.get('MLFLOW_TRACKING_URI', 'unset'))")) !== 'unset') break;
          await new Promise((r) => setTimeout(r, 200));
        }
        const T0 = Date.now();
        await setCell(p.page, path, 1, loggingCell('latency', `
T0 = ${T0}
for i in range(400):
    call('/runs/log-metric', {'run_id': rid, 'key': 'probe', 'value': round(time.time() * 1000 - T0), 'timestamp': int(time.time() * 1000), 'step': i})
    time.sleep(0.02)
`));
        const before = await startCell(p.page, path, 1);
        await openRunCharts(p.page, 'probe');
        latency = await p.page.evaluate(
          ({ t0, ms }) =>
            new Promise<number[]>((resolve) => {
              const out: number[] = [];
              let last = '';
              const end = performance.now() + ms;
              const frame = (): void => {
                const v = document.querySelector('#lablog-run-panel [data-metric-key="probe"] .ll-chart-value')?.textContent ?? '';
                if (v && v !== last) {
                  last = v;
                  out.push(Date.now() - t0 - Number(v));
                }
                if (performance.now() < end) requestAnimationFrame(frame);
                else resolve(out);
              };
              requestAnimationFrame(frame);
            }),
          { t0: T0, ms: 4000 },
        );
        await waitForCell(p.page, path, 1, before, 60_000);

        // frame rate: 10 metrics at 1 000 points/s each, in batches every 100 ms
        await setCell(p.page, path, 2, loggingCell('stream', `
step = 0
end = time.time() + 12
while time.time() < end:
    t = int(time.time() * 1000)
    call('/runs/log-batch', {'run_id': rid, 'metrics': [{'key': 'm%d' % k, 'value': (step + j) % 97 + k, 'timestamp': t, 'step': step + j} for k in range(10) for j in range(100)]})
    step += 100
    time.sleep(max(0, 0.1 - (time.time() * 1000 - t) / 1000))
`));
        const before2 = await startCell(p.page, path, 2);
        await p.page.click('#lablog-run-panel .ll-button:has-text("← Runs")');
        await p.page.waitForFunction(() => document.querySelectorAll('#lablog-run-panel .ll-notebook-runs-table[data-kind="mine"] tr').length >= 2, null, { timeout: 30_000 });
        await openRunCharts(p.page, 'm0');
        fps = await p.page.evaluate(
          (ms) =>
            new Promise<number>((resolve) => {
              let frames = 0;
              const t0 = performance.now();
              const frame = (now: number): void => {
                frames++;
                if (now - t0 < ms) requestAnimationFrame(frame);
                else resolve((frames * 1000) / (now - t0));
              };
              requestAnimationFrame(frame);
            }),
          5000,
        );
        await waitForCell(p.page, path, 2, before2, 60_000);
      } finally {
        await p.close();
      }
      return [
        { figure: 'JupyterLab start, with / without lablog (median of 5)', value: `${fmt(median(times.with))} / ${fmt(median(times.without))} ms`, target: '' },
        { figure: 'JupyterLab start added by the extension', value: `${fmt(added)} ms`, target: '< 200 ms' },
        { figure: `cell log-metric → drawn in the panel, p50 / p95 (${latency.length} pts)`, value: `${fmt(quantile(latency, 0.5))} / ${fmt(quantile(latency, 0.95))} ms`, target: 'p95 < 100 ms' },
        { figure: 'panel frame rate, cell logging 10 metrics × 1 000 pts/s', value: `${fmt(fps, 1)} fps`, target: '≥ 30 fps' },
      ];
    } finally {
      await Promise.all([withExt.close(), without.close()]);
    }
  } finally {
    await browser.close();
    await rm(work, { recursive: true, force: true });
  }
}
