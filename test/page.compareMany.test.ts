/**
 * A comparison of a whole sweep stays readable: at 5 and at 100 runs every chart title is
 * shown whole, the legend stays one line under it (the highest values, and how many more), and
 * no two runs share a colour. Screenshots of both go to test/output/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage } from './support/browser.js';
import { post } from './support/mlflowHttp.js';
import { startAgent, type StartedAgent } from './support/startAgent.js';

let browser: Browser;
let agent: StartedAgent;
const runIds: string[] = [];
const METRICS = ['validation/loss_per_epoch', 'validation/accuracy_top1', 'train/loss'];

before(async () => {
  [browser, agent] = await Promise.all([launchBrowser(), startAgent()]);
  const exp = await post<{ experiment_id: string }>(agent.url, 'experiments/create', { name: 'sweep-100' });
  for (let i = 0; i < 100; i++) {
    const run = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: exp.body.experiment_id, run_name: `trial-${i}`, start_time: Date.now() });
    const id = run.body.run.info.run_id;
    runIds.push(id);
    const metrics = METRICS.flatMap((key, k) => Array.from({ length: 20 }, (_, step) => ({ key, value: (k + 1) * Math.exp(-step / (5 + i / 10)) + i / 1000, step, timestamp: Date.now() })));
    const res = await post(agent.url, 'runs/log-batch', { run_id: id, params: [{ key: 'lr', value: String(0.001 * (i + 1)) }], metrics });
    assert.equal(res.status, 200);
  }
});
after(async () => {
  await browser?.close();
  await agent?.close();
});

/** Opens the comparison and waits for every chart to draw; returns the ms to the first drawn chart. */
async function openCompare(n: number): Promise<{ page: Page; close: () => Promise<void>; screenshot: (name: string) => Promise<string>; firstChartMs: number; errors: string[] }> {
  const started = Date.now();
  const p = await openPage(browser, `${agent.url}/#/compare?runs=${runIds.slice(0, n).join(',')}`, { viewport: { width: 1280, height: 2400 } });
  await p.page.waitForSelector('.ll-compare-charts .ll-metric-chart[data-state="ready"] canvas', { timeout: 30_000 });
  const firstChartMs = Date.now() - started;
  await p.page.waitForFunction((k) => document.querySelectorAll('.ll-compare-charts .ll-metric-chart[data-state="ready"]').length === k, METRICS.length, { timeout: 30_000 });
  return { ...p, firstChartMs, close: () => p.close() };
}

/** Per chart: whether its title shows whole, and whether the legend stays above the plot. */
function chartLayout(page: Page) {
  return page.$$eval('.ll-compare-charts .ll-metric-chart', (charts) =>
    charts.map((c) => {
      const title = c.querySelector('.ll-chart-title') as any;
      const legend = (c.querySelector('.ll-chart-legend') as any).getBoundingClientRect();
      const plot = (c.querySelector('.ll-chart-plot') as any).getBoundingClientRect();
      return { title: title.textContent, whole: title.scrollWidth <= title.clientWidth, legendAbovePlot: legend.bottom <= plot.top + 1, items: c.querySelectorAll('.ll-chart-legend-item').length, more: c.querySelector('.ll-chart-more')?.textContent ?? null };
    }),
  );
}

test('5 runs: titles whole, every run in the legend, five different colours', async () => {
  const p = await openCompare(5);
  try {
    const layout = await chartLayout(p.page);
    assert.equal(layout.length, METRICS.length);
    for (const c of layout) {
      assert.ok(c.whole, `title "${c.title}" is cut`);
      assert.ok(c.legendAbovePlot, `legend of "${c.title}" covers the plot`);
      assert.equal(c.items, 5);
      assert.equal(c.more, null);
    }
    const colours = await p.page.$$eval('.ll-compare-runs .ll-run-swatch', (s) => s.map((e) => getComputedStyle(e).getPropertyValue('--ll-run-colour').trim()));
    assert.equal(new Set(colours).size, 5);
    await p.screenshot('compare-5-runs');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('100 runs: titles whole, the legend one line (six highest, “+94 more”), 100 different colours; first chart time printed', async () => {
  const p = await openCompare(100);
  try {
    // every run's points have arrived in every chart
    await p.page.waitForFunction(() => [...document.querySelectorAll('.ll-compare-charts .ll-chart-more')].filter((m) => m.textContent?.startsWith('+94 ')).length === 3, null, { timeout: 30_000 });
    const layout = await chartLayout(p.page);
    for (const c of layout) {
      assert.ok(c.whole, `title "${c.title}" is cut`);
      assert.ok(c.legendAbovePlot, `legend of "${c.title}" covers the plot`);
      assert.equal(c.items, 6);
      assert.equal(c.more, '+94 more (highest shown)');
    }
    const colours = await p.page.$$eval('.ll-compare-runs .ll-run-swatch', (s) =>
      s.map((e) => {
        // resolve var(...) to the colour it stands for
        const probe = document.createElement('span');
        probe.style.color = getComputedStyle(e).getPropertyValue('--ll-run-colour');
        e.append(probe);
        const c = getComputedStyle(probe).color;
        probe.remove();
        return c;
      }),
    );
    assert.equal(colours.length, 100);
    assert.equal(new Set(colours).size, 100, 'two runs share a colour');
    await p.screenshot('compare-100-runs');
    console.log(`# compare of 100 runs: first chart drawn ${p.firstChartMs} ms after the page was opened`);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
