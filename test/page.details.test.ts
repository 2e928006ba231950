/**
 * The page's small things in Chromium: Copy ID on the run page, relative start times with the
 * exact one on hover, tags as table columns, the name column staying in view when a wide table
 * scrolls, a search over a run's metrics table, and the experiment list folding away in an
 * 800 px window.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage } from './support/browser.js';
import { post } from './support/mlflowHttp.js';
import { startAgent, type StartedAgent } from './support/startAgent.js';

let browser: Browser;
let agent: StartedAgent;
let experimentId = '';
let runId = '';

before(async () => {
  [browser, agent] = await Promise.all([launchBrowser(), startAgent()]);
  experimentId = (await post<{ experiment_id: string }>(agent.url, 'experiments/create', { name: 'details' })).body.experiment_id;
  const r = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: experimentId, run_name: 'wide-run', start_time: Date.now() - 5 * 60_000, tags: [{ key: 'team', value: 'vision' }] });
  runId = r.body.run.info.run_id;
  await post(agent.url, 'runs/log-batch', {
    run_id: runId,
    params: Array.from({ length: 30 }, (_, i) => ({ key: `param_with_a_long_name_${i}`, value: `value-${i}` })),
    metrics: ['train/loss', 'train/acc', 'val/loss', 'val/acc'].map((key) => ({ key, value: 0.5, step: 1, timestamp: Date.now() })),
  });
});
after(async () => {
  await browser?.close();
  await agent?.close();
});

test('Copy ID puts the run id on the clipboard', async () => {
  const p = await openPage(browser, `${agent.url}/#/runs/${runId}`);
  try {
    await p.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: agent.url });
    await p.page.click('.ll-run-title .ll-copy');
    await p.page.waitForSelector('.ll-run-title .ll-copy:text("Copied")');
    assert.equal(await p.page.evaluate(() => (globalThis as any).navigator.clipboard.readText()), runId);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('start times are relative with the exact time on hover; a tag can be a column; the name stays in view when the table scrolls sideways', async () => {
  const cols = ['tags.team', ...Array.from({ length: 30 }, (_, i) => `params.param_with_a_long_name_${i}`)].join(',');
  const p = await openPage(browser, `${agent.url}/#/experiments/${experimentId}?cols=${cols}`, { viewport: { width: 800, height: 600 } });
  try {
    const row = `table.ll-runs-table tbody tr[data-run-id="${runId}"]`;
    await p.page.waitForSelector(row);
    assert.equal(await p.page.locator(`${row} td[data-col="start"]`).textContent(), '5 min ago');
    assert.match((await p.page.locator(`${row} td[data-col="start"]`).getAttribute('title')) ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(await p.page.locator(`${row} td[data-col="tags.team"]`).textContent(), 'vision');
    assert.equal(await p.page.locator('th[data-col="tags.team"] .ll-col-kind').textContent(), 'tag');
    const before = await p.page.locator(`${row} td.ll-col-name`).boundingBox();
    await p.page.locator('.ll-runs-table-wrap').evaluate((el) => el.scrollBy(2000, 0));
    const afterScroll = await p.page.locator(`${row} td.ll-col-name`).boundingBox();
    assert.ok(before && afterScroll && Math.abs(afterScroll.x - before.x) < 2, `name column moved: ${before?.x} → ${afterScroll?.x}`);
    assert.ok(await p.page.locator(`${row} td[data-col="params.param_with_a_long_name_29"]`).isVisible());
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test("a run's metrics table has a search box", async () => {
  const p = await openPage(browser, `${agent.url}/#/runs/${runId}`);
  try {
    await p.page.waitForSelector('.ll-metric-search');
    await p.page.fill('.ll-metric-search', 'VAL/');
    const visible = await p.page.$$eval('[data-section="metrics"] tbody tr', (rows) => rows.filter((r: any) => !r.hidden).map((r: any) => r.dataset.key));
    assert.deepEqual(visible, ['val/acc', 'val/loss']);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('at 800 px the experiment list starts folded; the ☰ button shows and hides it', async () => {
  const p = await openPage(browser, `${agent.url}/#/experiments/${experimentId}`, { viewport: { width: 800, height: 600 } });
  try {
    await p.page.waitForSelector('table.ll-runs-table tbody tr');
    assert.equal(await p.page.locator('.ll-sidebar').isHidden(), true);
    await p.page.click('.ll-sidebar-toggle');
    await p.page.waitForSelector('.ll-sidebar .ll-experiment');
    assert.equal(await p.page.getAttribute('.ll-sidebar-toggle', 'aria-expanded'), 'true');
    await p.page.click('.ll-sidebar-toggle');
    await p.page.waitForSelector('.ll-sidebar', { state: 'hidden' });
    const wide = await openPage(browser, `${agent.url}/#/experiments/${experimentId}`);
    try {
      await wide.page.waitForSelector('.ll-sidebar .ll-experiment');
    } finally {
      await wide.close();
    }
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
