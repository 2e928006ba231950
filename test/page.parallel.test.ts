/**
 * The runs table's parallel coordinates in Chromium: every run the filter matches as a line
 * (not just the page), brushing an axis writes the range into the filter (the table and the URL
 * follow), a numeric axis turns logarithmic on a click of its name, lines can be coloured by a
 * metric; the compare view offers the same.
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

before(async () => {
  [browser, agent] = await Promise.all([launchBrowser(), startAgent()]);
  experimentId = (await post<{ experiment_id: string }>(agent.url, 'experiments/create', { name: 'pc' })).body.experiment_id;
  // 120 runs: more than a page; loss from 0.01 to 1.2, lr over three decades
  for (let i = 0; i < 120; i++) {
    const r = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: experimentId, run_name: `t${i}`, start_time: Date.now() + i });
    await post(agent.url, 'runs/log-batch', {
      run_id: r.body.run.info.run_id,
      params: [{ key: 'opt', value: i % 3 === 0 ? 'sgd' : 'adam' }],
      metrics: [
        { key: 'loss', value: (i + 1) / 100, step: 0, timestamp: 1 },
        { key: 'lr', value: 10 ** (-4 + (3 * i) / 119), step: 0, timestamp: 1 },
      ],
    });
  }
});
after(async () => {
  await browser?.close();
  await agent?.close();
});

const lines = '.ll-runs-parallel .ll-pc-run';

/** Drags along the axis `id` from fraction `from` to `to` of its height (0 bottom, 1 top). */
async function brush(page: Page, id: string, from: number, to: number): Promise<void> {
  const hit = page.locator(`.ll-runs-parallel .ll-pc-brush-area[data-axis-key="${id}"] .ll-pc-brush-hit`);
  const box = (await hit.boundingBox())!;
  const y = (f: number) => box.y + box.height * (1 - f);
  await page.mouse.move(box.x + box.width / 2, y(from));
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, y((from + to) / 2), { steps: 3 });
  await page.mouse.move(box.x + box.width / 2, y(to), { steps: 3 });
  await page.mouse.up();
}

/** Draws the one axis `id` (the chooser's other boxes unticked). */
async function onlyAxis(page: Page, id: string): Promise<void> {
  for (const box of await page.locator('.ll-runs-parallel .ll-pc-chooser input').all()) {
    if ((await box.getAttribute('data-axis-key')) === id) await box.check();
    else await box.uncheck();
  }
}

test('every run the filter matches is a line; brushing loss writes the range into the filter and the table follows', async () => {
  const p = await openPage(browser, `${agent.url}/#/experiments/${experimentId}`, { viewport: { width: 1280, height: 1000 } });
  try {
    await p.page.waitForSelector('table.ll-runs-table tbody tr');
    await p.page.click('.ll-parallel-toggle');
    await p.page.waitForFunction(() => new URLSearchParams(location.hash.split('?')[1]).get('pc') === '1');
    await p.page.waitForFunction((sel) => document.querySelectorAll(sel).length === 120, lines);
    await onlyAxis(p.page, 'metrics.loss');
    await p.page.waitForSelector('.ll-runs-parallel .ll-pc-axis[data-axis-key="metrics.loss"]');
    // the top quarter of loss: runs 0.91 … 1.2
    await brush(p.page, 'metrics.loss', 0.76, 1);
    await p.page.waitForFunction(() => (new URLSearchParams(location.hash.split('?')[1]).get('filter') ?? '').includes('metrics.loss >='));
    const filter = new URLSearchParams((await p.page.evaluate(() => location.hash)).split('?')[1]).get('filter')!;
    assert.match(filter, /^metrics\.loss >= [\d.]+ and metrics\.loss <= [\d.]+$/);
    const [lo, hi] = [...filter.matchAll(/[\d.]+(?=\s|$)/g)].map((m) => Number(m[0]));
    assert.ok(lo! > 0.85 && lo! < 0.95 && hi! >= 1.2, `range ${lo}..${hi}`);
    const expected = Array.from({ length: 120 }, (_, i) => (i + 1) / 100).filter((v) => v >= lo! && v <= hi!).length;
    await p.page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n, [lines, expected] as const);
    await p.page.waitForFunction((n) => document.querySelectorAll('table.ll-runs-table tbody tr').length === n && !document.querySelector('.ll-runs-view[data-loading]'), expected);
    assert.equal(await p.page.inputValue('.ll-filter-input'), filter);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('brushing from the keyboard: Tab to an axis, arrows move the ends, Enter applies it to the filter', async () => {
  const p = await openPage(browser, `${agent.url}/#/experiments/${experimentId}?pc=1`, { viewport: { width: 1280, height: 1000 } });
  try {
    await p.page.waitForFunction((sel) => document.querySelectorAll(sel).length === 120, lines);
    await onlyAxis(p.page, 'metrics.loss');
    const area = p.page.locator('.ll-runs-parallel .ll-pc-brush-area[data-axis-key="metrics.loss"]');
    await area.waitFor();
    // the axis is a focus stop reached with Tab from the axis chooser
    await p.page.locator('.ll-runs-parallel .ll-pc-chooser input[data-axis-key="metrics.loss"]').focus();
    for (let i = 0; i < 10 && !(await area.evaluate((el) => el === document.activeElement)); i++) await p.page.keyboard.press('Tab');
    assert.equal(await area.evaluate((el) => el === document.activeElement), true, 'Tab reaches the axis');
    // the lower end up by 15 steps of 5%: the top quarter of loss stays; nothing is applied yet
    for (let i = 0; i < 15; i++) await p.page.keyboard.press('ArrowUp');
    // Shift moves the upper end: down one step
    await p.page.keyboard.press('Shift+ArrowDown');
    assert.match((await area.getAttribute('aria-valuetext')) ?? '', /^loss from 0\.\d+ to 1\.1\d$/);
    assert.equal(await area.evaluate((el) => el === document.activeElement), true, 'the focus stays on the axis');
    const faded = await p.page.locator(`${lines}.ll-pc-out`).count();
    assert.ok(faded > 80 && faded < 120, `${faded} lines faded`);
    assert.equal(new URLSearchParams((await p.page.evaluate(() => location.hash)).split('?')[1]).get('filter'), null);
    await p.page.keyboard.press('Enter');
    await p.page.waitForFunction(() => (new URLSearchParams(location.hash.split('?')[1]).get('filter') ?? '').includes('metrics.loss >='));
    const filter = new URLSearchParams((await p.page.evaluate(() => location.hash)).split('?')[1]).get('filter')!;
    const [lo, hi] = [...filter.matchAll(/[\d.]+(?=\s|$)/g)].map((m) => Number(m[0]));
    assert.ok(lo! > 0.85 && lo! < 0.95 && hi! > 1.1 && hi! < 1.2, `range ${lo}..${hi}`);
    const expected = Array.from({ length: 120 }, (_, i) => (i + 1) / 100).filter((v) => v >= lo! && v <= hi!).length;
    await p.page.waitForFunction((n) => document.querySelectorAll('table.ll-runs-table tbody tr').length === n && !document.querySelector('.ll-runs-view[data-loading]'), expected);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a click on a numeric axis name makes it logarithmic; lines can be coloured by a metric; a param axis brush says why it cannot filter a range', async () => {
  const p = await openPage(browser, `${agent.url}/#/experiments/${experimentId}?pc=1`, { viewport: { width: 1280, height: 1000 } });
  try {
    await p.page.waitForFunction((sel) => document.querySelectorAll(sel).length === 120, lines);
    for (const box of await p.page.locator('.ll-runs-parallel .ll-pc-chooser input').all()) {
      const key = await box.getAttribute('data-axis-key');
      if (key === 'metrics.lr' || key === 'params.opt') await box.check();
      else await box.uncheck();
    }
    const label = '.ll-runs-parallel .ll-pc-axis[data-axis-key="metrics.lr"] .ll-pc-axis-label';
    await p.page.waitForSelector(label);
    await p.page.click(label);
    await p.page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.startsWith('lr (log)'), label);
    const ticks = await p.page.locator('.ll-runs-parallel .ll-pc-axis[data-axis-key="metrics.lr"] .ll-pc-tick').allTextContents();
    assert.ok(ticks.includes('0.001') && ticks.includes('0.01'), `log ticks: ${ticks}`);

    await p.page.selectOption('.ll-runs-parallel .ll-pc-colour', 'metrics.lr');
    const colours = await p.page.$$eval(lines, (gs) => gs.map((g: any) => g.style.getPropertyValue('--ll-run-colour')));
    assert.ok(colours.every((c) => c.startsWith('rgb(')) && new Set(colours).size > 50, 'a ramp of colours');

    await brush(p.page, 'params.opt', 0, 1);
    await p.page.waitForSelector('.ll-runs-parallel-note:text("params are strings")');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
