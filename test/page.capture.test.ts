/**
 * What lablog captures of a notebook run, on the run page in Chromium against a real agent: the
 * System tab charts the `system/…` metrics (here logged as a script's
 * `mlflow.enable_system_metrics_logging()` logs them) and Charts keeps the run's own; Figures shows
 * the images its cells displayed in cell order, new ones live, each opening in Artifacts; Logs
 * shows the console output by cell and finds lines, the search kept in the URL. No console errors.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, type TestPage } from './support/browser.js';
import { post } from './support/mlflowHttp.js';
import { postOutputs, registerSession, sendJson } from './support/notebookHttp.js';
import { startAgent, type StartedAgent } from './support/startAgent.js';

let browser: Browser;
let agent: StartedAgent;
let runId = '';
const started = Date.now() - 60_000;

// a 2×1 PNG (one red, one blue pixel)
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDwHwAF/gL+2a4qXQAAAABJRU5ErkJggg==';
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="teal"/></svg>';

before(async () => {
  [browser, agent] = await Promise.all([launchBrowser(), startAgent({ systemMetrics: { intervalMs: 0 } })]);
  await registerSession(agent.url, 'page-nb');
  const r = await sendJson<{ run: { info: { run_id: string } } }>(agent.url, 'POST', '/nb/page-nb/api/2.0/mlflow/runs/create', { experiment_id: '0', run_name: 'captured', start_time: started });
  runId = r.body.run.info.run_id;
  const now = Date.now();
  const metrics = [
    ...[10, 20, 30].map((value, step) => ({ key: 'system/cpu_utilization_percentage', value, step, timestamp: now })),
    ...[512, 520, 530].map((value, step) => ({ key: 'system/system_memory_usage_megabytes', value, step, timestamp: now })),
    ...[0.9, 0.5, 0.3].map((value, step) => ({ key: 'loss', value, step, timestamp: now })),
  ];
  assert.equal((await post(agent.url, 'runs/log-batch', { run_id: runId, metrics })).status, 200);
  await postOutputs(agent.url, 'page-nb', {
    execution_count: 3,
    started: started + 1000,
    ended: started + 2000,
    images: [
      { mime: 'image/png', data: PNG },
      { mime: 'image/svg+xml', data: SVG },
    ],
    text: [
      { stream: 'stdout', text: 'epoch 1 loss 0.90\nepoch 2 loss 0.50\n' },
      { stream: 'stderr', text: 'UserWarning: slow data loader\n' },
    ],
  });
  await postOutputs(agent.url, 'page-nb', {
    execution_count: 4,
    started: started + 3000,
    ended: started + 4000,
    images: [],
    text: [{ stream: 'error', text: 'Traceback (most recent call last):\nZeroDivisionError: division by zero' }],
  });
});
after(async () => {
  await browser?.close();
  await agent?.close();
});

async function open(query: string, ready: string): Promise<TestPage> {
  const p = await openPage(browser, `${agent.url}/#/runs/${runId}?${query}`);
  await p.page.waitForSelector(ready);
  return p;
}

const chartKeys = (p: TestPage) => p.page.$$eval('[data-metric-key]', (els) => els.map((e) => (e as any).dataset.metricKey).sort());

test("System charts the run's system/ metrics; Charts keeps only its own", async () => {
  const p = await open('tab=system', '[data-metric-key]');
  try {
    await p.page.waitForFunction(() => document.querySelectorAll('[data-metric-key]').length === 2);
    assert.deepEqual(await chartKeys(p), ['system/cpu_utilization_percentage', 'system/system_memory_usage_megabytes']);
    await p.screenshot('run-system');
    await p.page.click('.ll-tab[data-tab="charts"]');
    await p.page.waitForFunction(() => [...document.querySelectorAll('[data-metric-key]')].map((e) => (e as any).dataset.metricKey).join() === 'loss');
    assert.match(p.page.url(), /tab=charts/);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('Figures shows the images in cell order, a new one live, and opens one in Artifacts', async () => {
  const p = await open('tab=figures', '.ll-figure img');
  try {
    await p.page.waitForFunction(() => [...document.querySelectorAll('.ll-figure img')].every((i: any) => i.complete && i.naturalWidth > 0));
    const shown = () => p.page.$$eval('.ll-figure', (els) => els.map((e) => [(e as any).dataset.path, e.querySelector('figcaption')!.textContent]));
    assert.deepEqual(await shown(), [
      ['figures/cell-3-1.png', 'In [3] · figure 1'],
      ['figures/cell-3-2.svg', 'In [3] · figure 2'],
    ]);
    assert.equal(await p.page.$eval('.ll-figure img', (i: any) => i.naturalWidth), 2);
    await p.screenshot('run-figures');
    await postOutputs(agent.url, 'page-nb', { execution_count: 12, started: Date.now(), ended: Date.now() + 1, images: [{ mime: 'image/png', data: PNG }], text: [] });
    await p.page.waitForSelector('.ll-figure[data-path="figures/cell-12-1.png"]');
    assert.equal((await shown()).length, 3, 'cell 12 after cell 3 (numeric order)');
    assert.equal((await shown())[2]![0], 'figures/cell-12-1.png');
    await p.page.click('.ll-figure[data-path="figures/cell-3-2.svg"] button');
    await p.page.waitForSelector('.ll-artifact-preview .ll-preview-image img');
    assert.match(decodeURIComponent(p.page.url()), /tab=artifacts&artifact=figures\/cell-3-2\.svg/);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('Logs shows the console output by cell and keeps only the lines found, the search in the URL', async () => {
  const p = await open('tab=logs', '.ll-log-block');
  try {
    const blocks = () => p.page.$$eval('.ll-log-block', (els) => els.map((e) => [e.querySelector('h4')!.textContent!.replace(/ · .*/, ''), e.querySelector('pre')!.textContent]));
    assert.deepEqual(await blocks(), [
      ['In [3]', 'epoch 1 loss 0.90\nepoch 2 loss 0.50\nUserWarning: slow data loader\n'],
      ['In [4]', 'Traceback (most recent call last):\nZeroDivisionError: division by zero\n'],
    ]);
    await p.page.fill('.ll-log-search', 'LOSS');
    await p.page.waitForFunction(() => document.querySelectorAll('.ll-log-block').length === 1);
    assert.deepEqual(await blocks(), [['In [3]', 'epoch 1 loss 0.90\nepoch 2 loss 0.50\n']]);
    assert.deepEqual(await p.page.$$eval('.ll-log-block mark', (m) => m.map((e) => e.textContent)), ['loss', 'loss']);
    assert.equal(await p.page.textContent('.ll-log-summary'), '2 lines match');
    assert.match(p.page.url(), /find=LOSS/);
    await p.screenshot('run-logs-search');
    // a reload finds the same
    await p.page.reload();
    await p.page.waitForSelector('.ll-log-block mark');
    assert.equal(await p.page.inputValue('.ll-log-search'), 'LOSS');
    await p.page.fill('.ll-log-search', 'division');
    await p.page.waitForFunction(() => document.querySelector('.ll-log-block h4')?.textContent?.startsWith('In [4]'));
    await p.page.fill('.ll-log-search', 'nowhere-to-be-found');
    await p.page.waitForSelector('.ll-logs .ll-empty');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a run with nothing captured says what would appear and how', async () => {
  const plain = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: '0', start_time: Date.now() });
  const id = plain.body.run.info.run_id;
  for (const [tab, title] of [
    ['system', 'No system metrics'],
    ['figures', 'No figures'],
    ['logs', 'No console output'],
  ] as const) {
    const p = await openPage(browser, `${agent.url}/#/runs/${id}?tab=${tab}`);
    try {
      await p.page.waitForSelector('.ll-empty h2');
      assert.equal(await p.page.textContent('.ll-empty h2'), title);
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  }
});
