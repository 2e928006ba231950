/**
 * The runs table of the standalone page, in Chromium against a real agent: the rows and values
 * a user sees, sorting, nested runs, paging, rows that appear and change while the page is open,
 * the keyboard, the compare selection, the experiment list, and the empty state of an agent with
 * no runs. (The filter box: page.runsFilter.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lablog } from '@lablog/client';
import type { Page } from 'playwright-core';
import { openPage } from './support/browser.js';
import { post } from './support/mlflowHttp.js';
import { startAgent } from './support/startAgent.js';
import { agent, browser, cell, experiment, expUrl, ids, names, other, rows, run, sweep, T0, useRunsPage, waitRows } from './support/runsPage.js';

useRunsPage();

/** Waits until the first row is the run named `name`: the pager's range is shown before the rows it names arrive. */
async function firstRowIs(page: Page, name: string): Promise<void> {
  await page.waitForFunction(([sel, n]) => document.querySelector(sel)?.textContent === n, [`${rows} a.ll-run-link`, name] as const);
}

test('home goes to the experiment with the newest run; the list highlights it and opens others', async () => {
  const p = await openPage(browser, `${agent.url}/`);
  try {
    await p.page.waitForFunction((id) => location.hash === `#/experiments/${id}`, other);
    await p.page.waitForSelector('.ll-experiment.ll-selected');
    assert.equal(await p.page.locator('.ll-experiment.ll-selected .ll-experiment-name').textContent(), 'other');
    await p.page.waitForFunction(() => document.querySelector('.ll-runs-header h1')?.textContent === 'other');
    await waitRows(p.page, 1);
    // keyboard in the list: up/down then Enter
    await p.page.locator('.ll-experiment.ll-selected').focus();
    const order = await p.page.locator('.ll-experiment .ll-experiment-name').allTextContents();
    await p.page.keyboard.press(order.indexOf('sweep') > order.indexOf('other') ? 'ArrowDown' : 'ArrowUp');
    await p.page.keyboard.press('Enter');
    await p.page.waitForFunction((id) => location.hash === `#/experiments/${id}`, sweep);
    await p.page.waitForFunction(() => document.querySelector('.ll-experiment.ll-selected .ll-experiment-name')?.textContent === 'sweep');
    await waitRows(p.page, 6);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the table shows each run: name, status, start, duration, user, params and latest metrics', async () => {
  const p = await openPage(browser, expUrl(sweep));
  try {
    await waitRows(p.page, 6);
    // the header shows the id until the experiment is read, which may come after the rows
    await p.page.waitForFunction(() => document.querySelector('.ll-runs-header h1')?.textContent === 'sweep');
    const heads = await p.page.locator('table.ll-runs-table thead th').evaluateAll((ths) => ths.map((th) => (th as { dataset: { col?: string } }).dataset.col ?? ''));
    assert.deepEqual(heads.slice(0, 6), ['', 'name', 'status', 'start', 'duration', 'user']);
    for (const col of ['params.lr', 'params.opt', 'metrics.loss', 'metrics.acc']) assert.ok(heads.includes(col), `default columns include ${col}: ${heads}`);

    assert.equal(await cell(p.page, ids.beta!, 'name').textContent(), 'beta');
    assert.equal(await cell(p.page, ids.beta!, 'name').locator('a').getAttribute('href'), `#/runs/${ids.beta}`);
    assert.equal(await cell(p.page, ids.beta!, 'status').locator('.ll-status-FINISHED').textContent(), 'finished');
    assert.equal(await cell(p.page, ids.gamma!, 'status').locator('.ll-status-RUNNING').count(), 1);
    assert.equal(await cell(p.page, ids.beta!, 'params.lr').textContent(), '0.01');
    assert.equal(await cell(p.page, ids.beta!, 'metrics.loss').textContent(), '0.2');
    assert.equal(await cell(p.page, ids.beta!, 'user').textContent(), 'grace');
    assert.equal(await cell(p.page, ids.beta!, 'duration').textContent(), '1m 05s');
    // relative, with the exact time on hover
    assert.match((await cell(p.page, ids.beta!, 'start').textContent()) ?? '', /^(just now|\d+ (min|h|days) ago|\d{4}-\d\d-\d\d)$/);
    assert.match((await cell(p.page, ids.beta!, 'start').getAttribute('title')) ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    // newest first by default
    assert.deepEqual(await names(p.page), ['parent', 'child-2', 'child-1', 'gamma', 'beta', 'alpha']);
    assert.equal(await p.page.locator('th[data-col="start"]').getAttribute('aria-sort'), 'descending');
    assert.equal(await p.page.locator('.ll-pager-range').textContent(), '1–6 of 6');
    await p.screenshot('runs-table');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('clicking a metric header sorts by it on the server, both ways; the order is in the URL', async () => {
  const p = await openPage(browser, expUrl(sweep, `?filter=${encodeURIComponent('metrics.loss > 0')}`));
  try {
    await waitRows(p.page, 5);
    await p.page.locator('th[data-col="metrics.loss"] button').click();
    await p.page.waitForFunction(() => document.querySelector('th[data-col="metrics.loss"]')?.getAttribute('aria-sort') === 'ascending');
    await waitRows(p.page, 5);
    // child runs follow their parent when it is on the page; here it is filtered out
    assert.deepEqual(await names(p.page), ['beta', 'child-1', 'child-2', 'alpha', 'gamma']);
    assert.equal(new URLSearchParams((await p.page.evaluate(() => location.hash as string)).split('?')[1]).get('order'), 'metrics.loss ASC');
    assert.equal(await p.page.locator('th[data-col="start"]').getAttribute('aria-sort'), 'none');
    await p.screenshot('runs-sorted');
    await p.page.locator('th[data-col="metrics.loss"] button').click();
    await p.page.waitForFunction(() => document.querySelector('th[data-col="metrics.loss"]')?.getAttribute('aria-sort') === 'descending');
    await waitRows(p.page, 5);
    assert.deepEqual(await names(p.page), ['gamma', 'alpha', 'child-2', 'child-1', 'beta']);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('nested runs sit under their parent, indented, and fold away', async () => {
  const p = await openPage(browser, expUrl(sweep));
  try {
    await waitRows(p.page, 6);
    const shown = await p.page.locator(rows).evaluateAll((trs) => trs.map((tr) => [(tr as { dataset: { runId: string; depth: string } }).dataset.runId, (tr as { dataset: { depth: string } }).dataset.depth]));
    const at = shown.findIndex(([id]) => id === ids.parent);
    assert.deepEqual(shown.slice(at, at + 3), [
      [ids.parent, '0'],
      [ids.child2, '1'],
      [ids.child1, '1'],
    ]);
    const indent = async (id: string) => Number.parseFloat(await cell(p.page, id, 'name').evaluate((td) => getComputedStyle(td).paddingLeft));
    assert.ok((await indent(ids.child1!)) > (await indent(ids.parent!)), 'children are indented');
    const toggle = p.page.locator(`${rows}[data-run-id="${ids.parent}"] .ll-tree-toggle`);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await p.screenshot('runs-nested');
    await toggle.click();
    await waitRows(p.page, 4);
    assert.equal(await p.page.locator(`${rows}[data-run-id="${ids.child1}"]`).count(), 0);
    assert.equal(await p.page.locator(`${rows}[data-run-id="${ids.parent}"] .ll-tree-toggle`).getAttribute('aria-expanded'), 'false');
    await p.page.locator(`${rows}[data-run-id="${ids.parent}"] .ll-tree-toggle`).click();
    await waitRows(p.page, 6);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a run started after the page opened appears, logs and ends without a reload', async () => {
  const exp = await experiment('live');
  await run(exp, 'first', { start: Date.now() - 60_000, metrics: { loss: 2 } });
  const p = await openPage(browser, expUrl(exp));
  const lablog = new Lablog({ url: agent.url, spoolDir: false, onError: null });
  try {
    await waitRows(p.page, 1);
    const r = await lablog.startRun({ experimentId: exp, runName: 'streaming' });
    await p.page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'streaming', `${rows}:first-child a.ll-run-link`);
    assert.equal(await cell(p.page, r.id, 'status').locator('.ll-status-RUNNING').count(), 1);
    // the duration of a running run ticks
    const d0 = await cell(p.page, r.id, 'duration').textContent();
    await p.page.waitForFunction(([sel, d0]) => document.querySelector(sel)?.textContent !== d0, [`${rows}[data-run-id="${r.id}"] td[data-col="duration"]`, d0] as const);
    r.logMetric('loss', 0.123, { step: 1 });
    r.logParam('lr', '0.3');
    await r.flush();
    await p.page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '0.123', `${rows}[data-run-id="${r.id}"] td[data-col="metrics.loss"]`);
    r.logMetric('loss', 0.05, { step: 2 });
    await r.flush();
    await p.page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '0.05', `${rows}[data-run-id="${r.id}"] td[data-col="metrics.loss"]`);
    await p.screenshot('runs-live');
    await r.endRun();
    await p.page.waitForSelector(`${rows}[data-run-id="${r.id}"] .ll-status-FINISHED`);
    assert.deepEqual(await names(p.page), ['streaming', 'first']);
    assert.equal(await p.page.locator('.ll-pager-range').textContent(), '1–2 of 2');
    assert.deepEqual(p.errors, []);
  } finally {
    await lablog.close();
    await p.close();
  }
});

test('a run that arrives live while the total is being counted still counts: the range never says fewer than it shows', async () => {
  const exp = await experiment('count-race');
  await run(exp, 'first', { start: Date.now() - 60_000 });
  const p = await openPage(browser, expUrl(exp));
  const lablog = new Lablog({ url: agent.url, spoolDir: false, onError: null });
  try {
    await waitRows(p.page, 1);
    // the next count is read now (one run), and reaches the page only after a second run is on it
    let fetched!: () => void;
    const countRead = new Promise<void>((resolve) => (fetched = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await p.page.route('**/api/2.0/lablog/runs/count', async (route) => {
      const response = await route.fetch();
      fetched();
      await released;
      await route.fulfill({ response });
    });
    await p.page.reload();
    await waitRows(p.page, 1);
    await countRead;
    const r = await lablog.startRun({ experimentId: exp, runName: 'late' });
    await waitRows(p.page, 2);
    release();
    await p.page.waitForResponse((res) => res.url().includes('/api/2.0/lablog/runs/count'));
    await p.page.waitForFunction(() => document.querySelector('.ll-pager-range')?.textContent?.includes(' of '));
    assert.equal(await p.page.locator('.ll-pager-range').textContent(), '1–2 of 2');
    await r.endRun();
    assert.deepEqual(p.errors, []);
  } finally {
    await lablog.close();
    await p.close();
  }
});

test('keyboard: arrows move between rows, Space selects, Enter opens the run', async () => {
  const p = await openPage(browser, expUrl(sweep));
  try {
    await waitRows(p.page, 6);
    await p.page.locator(`${rows}`).first().focus();
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('ArrowDown');
    const focused = await p.page.evaluate(() => document.activeElement?.dataset?.runId as string);
    assert.equal(focused, ids.child1);
    await p.page.keyboard.press('Space');
    assert.equal(await p.page.locator(`${rows}[data-run-id="${ids.child1}"] input.ll-row-check`).isChecked(), true);
    await p.page.keyboard.press('ArrowUp');
    await p.page.keyboard.press('Space');
    assert.equal(await p.page.locator('.ll-compare').textContent(), 'Compare 2 runs');
    await p.page.keyboard.press('Enter');
    await p.page.waitForFunction((id) => location.hash === `#/runs/${id}`, ids.child2);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('selecting two runs enables Compare, which opens the compare view of them', async () => {
  const p = await openPage(browser, expUrl(sweep));
  try {
    await waitRows(p.page, 6);
    assert.equal(await p.page.locator('.ll-compare').isDisabled(), true);
    await p.page.locator(`${rows}[data-run-id="${ids.alpha}"] input.ll-row-check`).check();
    await p.page.locator(`${rows}[data-run-id="${ids.beta}"] input.ll-row-check`).check();
    assert.equal(await p.page.locator('.ll-compare').isDisabled(), false);
    await p.screenshot('runs-selected');
    await p.page.locator('.ll-compare').click();
    await p.page.waitForFunction(() => location.hash.startsWith('#/compare?'));
    const runs = new URLSearchParams((await p.page.evaluate(() => location.hash as string)).split('?')[1]).get('runs');
    assert.deepEqual(runs?.split(',').sort(), [ids.alpha, ids.beta].sort());
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the column chooser adds a param column and the choice is in the URL', async () => {
  const p = await openPage(browser, expUrl(sweep, '?cols=metrics.loss'));
  try {
    await waitRows(p.page, 6);
    assert.equal(await p.page.locator('th[data-col="params.lr"]').count(), 0);
    await p.page.locator('.ll-columns > summary').click();
    await p.page.locator('.ll-columns-menu input[data-col="params.fold"]').check();
    await p.page.waitForSelector('th[data-col="params.fold"]');
    assert.equal(await cell(p.page, ids.child2!, 'params.fold').textContent(), '2');
    assert.equal(new URLSearchParams((await p.page.evaluate(() => location.hash as string)).split('?')[1]).get('cols'), 'metrics.loss,params.fold');
    await p.screenshot('runs-columns');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('pages of 100 runs with Prev / Next, the total, a jump to any page', async () => {
  const exp = await experiment('many');
  await Promise.all(Array.from({ length: 150 }, (_, i) => run(exp, `run-${String(i).padStart(3, '0')}`, { start: T0 + i, metrics: { loss: i } })));
  const p = await openPage(browser, expUrl(exp));
  const range = (text: string) => p.page.waitForFunction((t) => document.querySelector('.ll-pager-range')?.textContent === t, text);
  try {
    await waitRows(p.page, 100);
    // the total comes from a count read beside the page (MLflow's search never says it)
    await range('1–100 of 150');
    assert.equal(await p.page.getByLabel('Page number').inputValue(), '1');
    await firstRowIs(p.page, 'run-149');
    assert.equal((await names(p.page))[0], 'run-149');
    await p.page.getByRole('button', { name: 'Next page' }).click();
    await waitRows(p.page, 50);
    await range('101–150 of 150');
    await firstRowIs(p.page, 'run-049');
    assert.equal((await names(p.page))[0], 'run-049');
    assert.equal(await p.page.getByRole('button', { name: 'Next page' }).isDisabled(), true);
    await p.page.getByRole('button', { name: 'Previous page' }).click();
    await waitRows(p.page, 100);
    await firstRowIs(p.page, 'run-149');
    assert.equal((await names(p.page))[0], 'run-149');
    // another page size: back to the first page, in the URL
    await p.page.selectOption('.ll-page-size', '25');
    await waitRows(p.page, 25);
    await range('1–25 of 150');
    assert.equal(new URLSearchParams((await p.page.evaluate(() => location.hash)).split('?')[1]).get('size'), '25');
    await p.page.getByRole('button', { name: 'Next page' }).click();
    await waitRows(p.page, 25);
    await range('26–50 of 150');
    await firstRowIs(p.page, 'run-124');
    assert.equal((await names(p.page))[0], 'run-124');
    // straight to page 5 of 6, by number: in the URL, and a reload opens it
    assert.equal(await p.page.locator('.ll-pager-jump').textContent(), 'Page  of 6');
    await p.page.getByLabel('Page number').fill('5');
    await p.page.getByLabel('Page number').press('Enter');
    await range('101–125 of 150');
    await firstRowIs(p.page, 'run-049');
    assert.equal((await names(p.page))[0], 'run-049');
    assert.equal(new URLSearchParams((await p.page.evaluate(() => location.hash)).split('?')[1]).get('page'), '5');
    await p.page.reload();
    await range('101–125 of 150');
    await firstRowIs(p.page, 'run-049');
    assert.equal((await names(p.page))[0], 'run-049');
    // a number past the end goes to the last page
    await p.page.getByLabel('Page number').fill('99');
    await p.page.getByLabel('Page number').press('Enter');
    await range('126–150 of 150');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('an agent with no runs says how to log one, and shows the first run as soon as it exists', async () => {
  const empty = await startAgent();
  const p = await openPage(browser, `${empty.url}/`);
  try {
    await p.page.waitForSelector('.ll-getting-started');
    const text = (await p.page.locator('.ll-getting-started').textContent()) ?? '';
    assert.ok(text.includes(`export MLFLOW_TRACKING_URI=${empty.url}`), text);
    assert.ok(text.includes('import mlflow'), text);
    assert.ok(text.includes("import { Lablog } from 'lablog/client'"), text);
    assert.equal(await p.page.locator('.ll-getting-started pre').count(), 3);
    await p.screenshot('runs-empty');
    const exp = (await post<{ experiment_id: string }>(empty.url, 'experiments/create', { name: 'first' })).body.experiment_id;
    await post(empty.url, 'runs/create', { experiment_id: exp, run_name: 'hello', start_time: Date.now() });
    await p.page.waitForFunction((id) => location.hash === `#/experiments/${id}`, exp);
    await waitRows(p.page, 1);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
    await empty.close();
  }
});

test('an experiment that does not exist says so', async () => {
  const p = await openPage(browser, expUrl('987654'), { expectedErrors: ['the server responded with a status of 404'] });
  try {
    await p.page.waitForSelector('.ll-runs-error:not([hidden])');
    await p.page.waitForSelector('.ll-runs-error:not([hidden])');
    assert.match((await p.page.locator('.ll-runs-error').textContent()) ?? '', /987654/);
    assert.equal(await p.page.locator('.ll-getting-started').count(), 0);
    assert.equal(await p.page.locator('.ll-runs-toolbar').isHidden(), true);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the read after the live watch is in place leaves the rows alone when it finds the same runs', async () => {
  const p = await openPage(browser, expUrl(sweep));
  try {
    const searches: number[] = [];
    p.page.on('request', (r) => r.url().endsWith('/runs/search') && searches.push(Date.now()));
    await waitRows(p.page, 6);
    const row = await p.page.$(`${rows}[data-run-id="${ids.alpha}"]`);
    await p.page.locator(`${rows}[data-run-id="${ids.alpha}"]`).focus();
    // the second read is the one the watch's start asks for
    const deadline = Date.now() + 10_000;
    while (searches.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await p.page.waitForFunction(() => !document.querySelector('.ll-runs-view[data-loading]'));
    assert.ok(searches.length >= 1, 'the page read again once its watch was in place');
    assert.equal(await row!.evaluate((tr) => tr.isConnected), true, 'the same row element is still shown');
    assert.equal(await p.page.evaluate(() => (document.activeElement as any)?.dataset?.runId), ids.alpha, 'and keeps the focus');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
