/**
 * lablog where notebook users run it: PyPI's JupyterLab with jupyterlab-lablog (the venv .ci/run
 * makes, LABLOG_JUPYTER_VENV), under a base URL with a token, Chromium. Printed, never asserted:
 * - `jupyter lab` start → the panel connected, the agent started by the Jupyter server included;
 * - cell → panel latency at 100 points/s, the browser through the proxy (the default) beside the
 *   browser connected to the agent directly (settings: agentUrl); kernels log directly in both;
 * - a 1M-point chart through the proxy: page load → first draw, beside the same page direct.
 * The pages are not limited to Jupyter's port here (the e2e test does that): Playwright's request
 * interception would put its own round trip on every request.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage } from '../test/support/browser.js';
import { newRun, post } from '../test/support/mlflowHttp.js';
import { JUPYTER_SKIP, openJupyterLab, openNotebook, runCell, setCell, startCell, startJupyterLab, waitForCell, writeNotebook, type StartedJupyterLab } from '../test/support/jupyterLab.js';
import { fmt, type Row } from './table.js';

const PLUGIN = '@lablog/jupyterlab:plugin';
const TOKEN = 'bench-token';
const BASE = '/user/bench/';
const STARTS = 3;
const NOISE = ['/api/resolvePath', '/api/contents/'];

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

const median = (xs: number[]): number => quantile(xs, 0.5);

/** The agent a Jupyter server started, from its store's agent.json. */
async function agentOf(lab: StartedJupyterLab): Promise<string> {
  return (JSON.parse(await readFile(join(lab.dataDir, 'lablog', 'agent.json'), 'utf8')) as { url: string }).url;
}

async function panelUp(page: Page): Promise<void> {
  await page.evaluate(() => window.jupyterapp.commands.execute('lablog:open-panel'));
  await page.waitForSelector('#lablog-run-panel .ll-connection[data-state="up"]', { timeout: 60_000 });
}

/** `jupyter lab` spawned → server answering → JupyterLab restored → panel connected (agent started). */
async function startToConnected(browser: Browser): Promise<{ server: number; restored: number; connected: number }> {
  const t0 = performance.now();
  const lab = await startJupyterLab({ baseUrl: BASE, token: TOKEN });
  try {
    const server = performance.now() - t0;
    const p = await openJupyterLab(browser, lab.url, { token: TOKEN, expectedErrors: NOISE });
    const restored = performance.now() - t0;
    await panelUp(p.page);
    const connected = performance.now() - t0;
    await p.close();
    return { server, restored, connected };
  } finally {
    await lab.close();
  }
}

/** A cell logs `probe` = ms since T0 at 100 Hz (urllib, one request each); the page reads the chart's latest value every frame. */
async function cellToPanel(browser: Browser, lab: StartedJupyterLab): Promise<number[]> {
  const path = await writeNotebook(lab.notebookDir, `latency-${Date.now()}.ipynb`, ['']);
  const p = await openJupyterLab(browser, lab.url, { token: lab.token, expectedErrors: NOISE });
  try {
    await openNotebook(p.page, path);
    await panelUp(p.page);
    for (let i = 0; i < 100; i++) {
      if ((await runCell(p.page, path, 0, "import os; print(os.environ.get('MLFLOW_TRACKING_URI', ''))")).includes('/nb/')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const T0 = Date.now();
    await setCell(
      p.page,
      path,
      1,
      `
import json, os, time, urllib.request
api = os.environ['MLFLOW_TRACKING_URI'] + '/api/2.0/mlflow'
def call(path, payload):
    req = urllib.request.Request(api + path, data=json.dumps(payload).encode(), headers={'content-type': 'application/json'})
    return json.loads(urllib.request.urlopen(req).read() or b'{}')
rid = call('/runs/create', {'experiment_id': '0', 'run_name': 'latency', 'start_time': int(time.time() * 1000)})['run']['info']['run_id']
T0 = ${T0}
next_t = time.time()
for i in range(1000):
    call('/runs/log-metric', {'run_id': rid, 'key': 'probe', 'value': round(time.time() * 1000 - T0), 'timestamp': int(time.time() * 1000), 'step': i})
    next_t += 0.01
    time.sleep(max(0, next_t - time.time()))
call('/runs/update', {'run_id': rid, 'status': 'FINISHED', 'end_time': int(time.time() * 1000)})
print(rid)
`,
    );
    const before = await startCell(p.page, path, 1);
    await p.page.waitForSelector('#lablog-run-panel .ll-notebook-runs-table[data-kind="mine"] tr a', { timeout: 30_000 });
    await p.page.click('#lablog-run-panel .ll-notebook-runs-table[data-kind="mine"] tr a');
    await p.page.click('#lablog-run-panel .ll-tab[data-tab="charts"]');
    await p.page.waitForSelector('#lablog-run-panel [data-metric-key="probe"][data-state="ready"]', { timeout: 30_000 });
    const latency = await p.page.evaluate(
      ({ t0, ms }) =>
        new Promise<number[]>((resolve) => {
          const out: number[] = [];
          let last = '';
          const end = performance.now() + ms;
          const frame = (): void => {
            const v = document.querySelector('#lablog-run-panel [data-metric-key="probe"] .ll-chart-value')?.textContent ?? '';
            if (v && v !== last) {
              last = v;
              out.push(Date.now() - t0 - Number(v.replace(/,/g, '')));
            }
            if (performance.now() < end) requestAnimationFrame(frame);
            else resolve(out);
          };
          requestAnimationFrame(frame);
        }),
      { t0: T0, ms: 5000 },
    );
    await waitForCell(p.page, path, 1, before, 60_000);
    return latency;
  } finally {
    await p.close();
  }
}

// In the page: ms from navigation start to the first 'lablog:chart-drawn' mark (NaN after 30 s).
const WAIT_DRAWN = `new Promise((resolve) => {
  const find = () => performance.getEntriesByName('lablog:chart-drawn')[0];
  if (find()) return resolve(find().startTime);
  const obs = new PerformanceObserver(() => { const e = find(); if (e) { obs.disconnect(); resolve(e.startTime); } });
  obs.observe({ type: 'mark', buffered: true });
  setTimeout(() => { obs.disconnect(); resolve(NaN); }, 30000);
})`;

async function loadToDrawn(page: Page, url: string): Promise<number> {
  await page.goto('about:blank');
  await page.goto(url);
  return (await page.evaluate(WAIT_DRAWN)) as number;
}

/** Logs a million points of `loss` into a new run on the agent (8 × 1 000-point batches at a time). */
async function fillMillion(agentUrl: string): Promise<string> {
  const { runId } = await newRun(agentUrl, `million-${Date.now()}`, 'million');
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < 1_000_000) {
        const from = next;
        next += 1000;
        const metrics = Array.from({ length: 1000 }, (_, k) => ({ key: 'loss', value: Math.exp(-(from + k) / 200_000), step: from + k, timestamp: 1_700_000_000_000 + from + k }));
        const r = await post(agentUrl, 'runs/log-batch', { run_id: runId, metrics });
        if (r.status !== 200) throw new Error(`log-batch: ${JSON.stringify(r.body)}`);
      }
    }),
  );
  return runId;
}

/** Runs the bench. */
export async function jupyterlabBench(): Promise<Row[]> {
  if (JUPYTER_SKIP) return [{ figure: 'JupyterLab bench skipped', value: JUPYTER_SKIP, target: '' }];
  const browser = await launchBrowser();
  const work = await mkdtemp(join(tmpdir(), 'lablog-bench-jlab-'));
  try {
    // (a) start → connected, cold (a fresh store and agent each time)
    const starts: Array<{ server: number; restored: number; connected: number }> = [];
    for (let i = 0; i < STARTS; i++) starts.push(await startToConnected(browser));

    // (b) cell → panel, through the proxy, then direct to the same agent
    const lab = await startJupyterLab({ baseUrl: BASE, token: TOKEN, dataDir: join(work, 'data') });
    let proxied: number[] = [];
    let direct: number[] = [];
    const proxyDraw: number[] = [];
    const directDraw: number[] = [];
    try {
      proxied = await cellToPanel(browser, lab);
      const agentUrl = await agentOf(lab);
      const directLab = await startJupyterLab({ baseUrl: BASE, token: TOKEN, settings: { [PLUGIN]: { agentUrl } } });
      try {
        direct = await cellToPanel(browser, directLab);
      } finally {
        await directLab.close();
      }

      // (c) a million points: the standalone page through the proxy and direct
      const runId = await fillMillion(agentUrl);
      const hash = `#/runs/${runId}?tab=charts`;
      const p = await openJupyterLab(browser, lab.url, { token: TOKEN, expectedErrors: NOISE });
      for (let i = 0; i < 4; i++) proxyDraw.push(await loadToDrawn(p.page, `${lab.url}/lablog/${hash}`));
      await p.close();
      const d = await openPage(browser, 'about:blank');
      for (let i = 0; i < 4; i++) directDraw.push(await loadToDrawn(d.page, `${agentUrl}/${hash}`));
      await d.close();
    } finally {
      await lab.close();
    }
    const f = (xs: number[]) => `${fmt(quantile(xs, 0.5))} / ${fmt(quantile(xs, 0.99))} ms`;
    return [
      {
        figure: `jupyter lab start → panel connected, agent start included (median of ${STARTS}, cold)`,
        value: `${fmt(median(starts.map((s) => s.connected)))} ms`,
        target: '< 3 000 ms',
        reference: `server up ${fmt(median(starts.map((s) => s.server)))} ms, JupyterLab restored ${fmt(median(starts.map((s) => s.restored)))} ms, panel connected ${fmt(median(starts.map((s) => s.connected - s.restored)))} ms after`,
      },
      { figure: `cell → panel at 100 points/s through the proxy, p50 / p99 (${proxied.length} pts)`, value: f(proxied), target: 'p99 < 50 ms' },
      { figure: `cell → panel at 100 points/s, browser direct to the agent, p50 / p99 (${direct.length} pts)`, value: f(direct), target: 'proxy within 5 ms', reference: `p99 difference ${fmt(quantile(proxied, 0.99) - quantile(direct, 0.99))} ms` },
      { figure: '1M-point chart, page load → first draw, through the proxy (first / median of rest)', value: `${fmt(proxyDraw[0] ?? NaN)} / ${fmt(median(proxyDraw.slice(1)))} ms`, target: '< 1 000 ms', reference: `direct: ${fmt(directDraw[0] ?? NaN)} / ${fmt(median(directDraw.slice(1)))} ms` },
    ];
  } finally {
    await browser.close();
    await rm(work, { recursive: true, force: true });
  }
}
