/**
 * The runs table's filter box, in Chromium against a real agent: the agent's message for a bad
 * filter, plain words as a run-name search, params compared as numbers explained, the filter in
 * the URL, a run that comes to match while the page is open, and key completion.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage } from './support/browser.js';
import { post } from './support/mlflowHttp.js';
import { agent, applyFilter, browser, cell, experiment, expUrl, names, rows, run, sweep, useRunsPage, waitRows } from './support/runsPage.js';

useRunsPage();

test("a bad filter shows the agent's message under the box, and nothing else goes wrong", async () => {
  const bad = 'metrics.loss <<< 1';
  const expected = await post<{ message: string }>(agent.url, 'runs/search', { experiment_ids: [sweep], filter: bad });
  assert.equal(expected.status, 400);
  // Chromium itself logs every 4xx response ("Failed to load resource"); that line is the only one allowed
  const p = await openPage(browser, expUrl(sweep));
  try {
    await waitRows(p.page, 6);
    await applyFilter(p.page, bad);
    await p.page.waitForSelector('.ll-filter-error:not([hidden])');
    assert.equal(await p.page.locator('.ll-filter-error').textContent(), expected.body.message);
    assert.equal(await p.page.locator('.ll-filter-input').getAttribute('aria-invalid'), 'true');
    await p.screenshot('runs-filter-error');
    // fixing it clears the message
    await applyFilter(p.page, "params.opt = 'adam'");
    await waitRows(p.page, 2);
    assert.equal(await p.page.locator('.ll-filter-error').isHidden(), true);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('plain words search run names (and say so); a param compared as a number says params are strings and keeps the last good rows', async () => {
  const p = await openPage(browser, expUrl(sweep));
  try {
    await waitRows(p.page, 6);
    // MLflow's UI searches names with plain words, case-insensitively
    const word = 'CHILD';
    const expected = 2;
    await applyFilter(p.page, word);
    await p.page.waitForSelector('.ll-filter-note:not([hidden])');
    assert.equal(await p.page.locator('.ll-filter-note').textContent(), `Not a filter: searching names for “${word}”.`);
    await waitRows(p.page, expected);
    assert.deepEqual((await p.page.locator(`${rows} td[data-col="name"]`).allTextContents()).sort(), ['child-1', 'child-2']);

    await applyFilter(p.page, 'params.lr < 0.01');
    await p.page.waitForSelector('.ll-filter-error:not([hidden])');
    assert.match(await p.page.locator('.ll-filter-hint').textContent() ?? '', /Params are strings in MLflow/);
    assert.equal(await p.page.locator('.ll-filter-note').isHidden(), true);
    // the rows of the last good filter stay
    assert.equal(await p.page.locator(rows).count(), expected);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a filter narrows the rows and lands in the URL; reloading the bookmark shows the same table', async () => {
  const p = await openPage(browser, expUrl(sweep));
  try {
    await waitRows(p.page, 6);
    await applyFilter(p.page, 'metrics.loss < 0.4');
    await p.page.waitForFunction(() => new URLSearchParams(location.hash.split('?')[1]).get('filter') === 'metrics.loss < 0.4');
    await waitRows(p.page, 3);
    assert.deepEqual((await names(p.page)).sort(), ['beta', 'child-1', 'child-2']);
    await p.screenshot('runs-filtered');
    await p.page.reload();
    await waitRows(p.page, 3);
    assert.equal(await p.page.locator('.ll-filter-input').inputValue(), 'metrics.loss < 0.4');
    assert.deepEqual((await names(p.page)).sort(), ['beta', 'child-1', 'child-2']);
    // a filter nothing matches says so
    await applyFilter(p.page, "params.opt = 'lbfgs'");
    await p.page.waitForSelector('.ll-runs-message .ll-empty');
    assert.match((await p.page.locator('.ll-runs-message').textContent()) ?? '', /No runs match/);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('with a filter, a run that comes to match it while the page is open appears', async () => {
  const exp = await experiment('filtered-live');
  await run(exp, 'high', { start: Date.now() - 60_000, metrics: { loss: 3 } });
  const p = await openPage(browser, expUrl(exp, `?filter=${encodeURIComponent('metrics.loss < 1')}`));
  try {
    await p.page.waitForSelector('.ll-runs-message .ll-empty');
    const c = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: exp, run_name: 'low', start_time: Date.now() });
    await post(agent.url, 'runs/log-metric', { run_id: c.body.run.info.run_id, key: 'loss', value: 0.25, timestamp: Date.now(), step: 0 });
    await waitRows(p.page, 1);
    assert.deepEqual(await names(p.page), ['low']);
    assert.equal(await cell(p.page, c.body.run.info.run_id, 'metrics.loss').textContent(), '0.25');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the filter box completes keys of the experiment with the keyboard, and a key no run has is named (with the closest one)', async () => {
  const p = await openPage(browser, expUrl(sweep));
  try {
    await waitRows(p.page, 6);
    await p.page.click('.ll-filter-input');
    await p.page.keyboard.type('metrics.lo');
    await p.page.waitForSelector('.ll-suggest:not([hidden]) li');
    assert.deepEqual(await p.page.locator('.ll-suggest li').allTextContents(), ['metrics.loss']);
    await p.page.keyboard.press('ArrowDown');
    assert.equal(await p.page.getAttribute('.ll-filter-input', 'aria-activedescendant'), await p.page.locator('.ll-suggest li').first().getAttribute('id'));
    await p.page.keyboard.press('Enter');
    assert.equal(await p.page.inputValue('.ll-filter-input'), 'metrics.loss ');
    assert.equal(await p.page.locator('.ll-suggest').isHidden(), true);
    // the key part alone finds it too: "opt" offers params.opt; Tab takes the first
    await p.page.keyboard.type('< 1 and opt');
    await p.page.waitForSelector('.ll-suggest:not([hidden]) li');
    assert.equal(await p.page.locator('.ll-suggest li').first().textContent(), 'params.opt');
    await p.page.keyboard.press('Tab');
    assert.equal(await p.page.inputValue('.ll-filter-input'), 'metrics.loss < 1 and params.opt ');

    await applyFilter(p.page, 'metrics.los < 1');
    await p.page.waitForSelector('.ll-filter-note:not([hidden])');
    assert.equal(await p.page.locator('.ll-filter-note').textContent(), 'No run in this experiment has metrics.los — did you mean metrics.loss?');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
