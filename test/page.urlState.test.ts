/**
 * Everything a user sets on the page is in the URL and survives a reload (and so a shared
 * link): the runs table's page (with its filter and order), the comparison's "Only
 * differences" and chart settings, the run page's chart settings; "← Runs" of a comparison goes
 * back to the table as it was.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage } from './support/browser.js';
import { post } from './support/mlflowHttp.js';
import { startAgent, type StartedAgent } from './support/startAgent.js';

let browser: Browser;
let agent: StartedAgent;
let experimentId = '';
const runIds: string[] = [];

before(async () => {
  [browser, agent] = await Promise.all([launchBrowser(), startAgent()]);
  experimentId = (await post<{ experiment_id: string }>(agent.url, 'experiments/create', { name: 'url-state' })).body.experiment_id;
  const t0 = Date.now() - 1_000_000;
  for (let i = 0; i < 130; i++) {
    const r = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: experimentId, run_name: `r${String(i).padStart(3, '0')}`, start_time: t0 + i * 1000 });
    const id = r.body.run.info.run_id;
    runIds.push(id);
    await post(agent.url, 'runs/log-batch', {
      run_id: id,
      params: [{ key: 'opt', value: i % 2 ? 'adam' : 'sgd' }],
      metrics: [0, 1, 2].flatMap((step) => [
        { key: 'loss', value: 1 / (step + 1 + i), step, timestamp: t0 + step },
        { key: 'acc', value: step / 3, step, timestamp: t0 + step },
      ]),
    });
  }
});
after(async () => {
  await browser?.close();
  await agent?.close();
});

const rows = 'table.ll-runs-table tbody tr';
const query = (page: Page) => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.hash.split('?')[1] ?? '')));
const waitIdle = (page: Page, n: number) =>
  page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n && !document.querySelector('.ll-runs-view[data-loading]'), [rows, n] as const);

test('the runs page number is in the URL with its filter and order; a reload shows the same page; "← Runs" of a comparison returns to it', async () => {
  const filter = 'metrics.loss < 2';
  const p = await openPage(browser, `${agent.url}/#/experiments/${experimentId}?filter=${encodeURIComponent(filter)}&order=${encodeURIComponent('attributes.run_name ASC')}`);
  try {
    await waitIdle(p.page, 100);
    await p.page.click('.ll-pager button[aria-label="Next page"]');
    await waitIdle(p.page, 30);
    const q = await query(p.page);
    // the page number alone: lablog's page tokens are offsets, made again from it
    assert.equal(q.page, '2');
    assert.equal(q.at, undefined);
    assert.equal(q.filter, filter);
    assert.equal(await p.page.locator('.ll-pager-range').textContent(), '101–130 of 130');

    await p.page.reload();
    await waitIdle(p.page, 30);
    assert.equal(await p.page.locator('.ll-pager-range').textContent(), '101–130 of 130');
    assert.equal(await p.page.locator(`${rows} td[data-col="name"]`).first().textContent(), 'r100');
    // Prev from a page opened by link goes to the page before it
    await p.page.click('.ll-pager button[aria-label="Previous page"]');
    await waitIdle(p.page, 100);
    assert.equal((await query(p.page)).page, undefined);
    await p.page.click('.ll-pager button[aria-label="Next page"]');
    await waitIdle(p.page, 30);

    // compare two runs of page 2: its "← Runs" comes back to page 2 with the filter and order
    for (const i of [0, 1]) await p.page.locator(`${rows} input.ll-row-check`).nth(i).check();
    await p.page.click('.ll-compare');
    await p.page.waitForSelector('.ll-compare-back');
    await p.page.click('.ll-compare-back');
    await waitIdle(p.page, 30);
    const back = await query(p.page);
    assert.equal(back.page, '2');
    assert.equal(back.filter, filter);
    assert.equal(back.order, 'attributes.run_name ASC');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test("a run's chart settings (x axis, log scale, smoothing, metric filter) are in the URL and come back on reload", async () => {
  const p = await openPage(browser, `${agent.url}/#/runs/${runIds[5]}?tab=charts`);
  try {
    await p.page.waitForSelector('.ll-chart-toolbar');
    await p.page.click('.ll-chart-toolbar button[data-x-axis="time"]');
    await p.page.check('.ll-log-scale');
    await p.page.locator('.ll-smoothing-slider').fill('0.6');
    await p.page.fill('.ll-chart-filter', 'loss');
    await p.page.waitForFunction(() => location.hash.includes('metrics=loss'));
    assert.deepEqual(await query(p.page), { tab: 'charts', x: 'time', log: '1', smooth: '0.6', metrics: 'loss' });

    await p.page.reload();
    await p.page.waitForSelector('.ll-chart-toolbar');
    assert.equal(await p.page.getAttribute('.ll-chart-toolbar button[data-x-axis="time"]', 'aria-pressed'), 'true');
    assert.equal(await p.page.isChecked('.ll-log-scale'), true);
    assert.equal(await p.page.inputValue('.ll-smoothing-slider'), '0.6');
    assert.equal(await p.page.inputValue('.ll-chart-filter'), 'loss');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a comparison keeps "Only differences" and its chart settings in the URL', async () => {
  const p = await openPage(browser, `${agent.url}/#/compare?runs=${runIds[1]},${runIds[2]}`);
  try {
    await p.page.waitForSelector('.ll-compare-only-diff');
    await p.page.check('.ll-compare-only-diff');
    await p.page.waitForSelector('.ll-chart-toolbar');
    await p.page.check('.ll-log-scale');
    await p.page.waitForFunction(() => location.hash.includes('log=1') && location.hash.includes('diff=1'));
    await p.page.reload();
    await p.page.waitForSelector('.ll-chart-toolbar');
    assert.equal(await p.page.isChecked('.ll-compare-only-diff'), true);
    assert.equal(await p.page.isChecked('.ll-log-scale'), true);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
