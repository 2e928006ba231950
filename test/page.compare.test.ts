/**
 * The compare view (`#/compare?runs=a,b,c`) in Chromium against a real agent: the runs in their
 * series colours, the side-by-side table marking exactly the keys that differ, "only
 * differences", parallel coordinates with one line per run and one axis per chosen key, removing
 * a run from the URL, live updates of the latest metrics, the empty state, and overlaid charts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, type TestPage } from './support/browser.js';
import { post } from './support/mlflowHttp.js';
import { startAgent, type StartedAgent } from './support/startAgent.js';

let browser: Browser;
let agent: StartedAgent;
/** Run ids by name: alpha, beta, gamma (compared in that order). */
const ids: Record<'alpha' | 'beta' | 'gamma', string> = { alpha: '', beta: '', gamma: '' };
let experimentId = '';

/** What each run logs: lr, optimizer, batch and loss differ; seed, acc and the team tag do not. */
const RUNS = {
  alpha: { params: { lr: '0.1', optimizer: 'adam', batch: '32', seed: '42' }, loss: [1, 0.8, 0.5] },
  beta: { params: { lr: '0.01', optimizer: 'sgd', batch: '32', seed: '42' }, loss: [1, 0.6, 0.3] },
  gamma: { params: { lr: '0.01', optimizer: 'adam', batch: '64', seed: '42' }, loss: [0.9, 0.4, 0.2] },
} as const;
const DIFFERING = ['params.batch', 'params.lr', 'params.optimizer', 'metrics.loss'];
const EQUAL = ['params.seed', 'metrics.acc', 'tags.team'];

async function logBatch(runId: string, body: { metrics?: Array<{ key: string; value: number; step: number }>; params?: Array<{ key: string; value: string }>; tags?: Array<{ key: string; value: string }> }): Promise<void> {
  const now = Date.now();
  const res = await post(agent.url, 'runs/log-batch', { run_id: runId, ...body, metrics: (body.metrics ?? []).map((m) => ({ ...m, timestamp: now })) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

before(async () => {
  [browser, agent] = await Promise.all([launchBrowser(), startAgent()]);
  const exp = await post<{ experiment_id: string }>(agent.url, 'experiments/create', { name: 'compare' });
  experimentId = exp.body.experiment_id;
  for (const name of ['alpha', 'beta', 'gamma'] as const) {
    const run = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: experimentId, run_name: name, start_time: Date.now() });
    ids[name] = run.body.run.info.run_id;
    const spec = RUNS[name];
    await logBatch(ids[name], {
      params: Object.entries(spec.params).map(([key, value]) => ({ key, value })),
      tags: [{ key: 'team', value: 'vision' }],
      metrics: [...spec.loss.map((value, step) => ({ key: 'loss', value, step })), { key: 'acc', value: 0.9, step: 2 }],
    });
  }
});
after(async () => {
  await browser?.close();
  await agent?.close();
});

function compareUrl(runIds: string[]): string {
  return `${agent.url}/#/compare?runs=${runIds.join(',')}`;
}

/** Opens the comparison of `runIds` and waits until its table shows `columns` runs. */
async function openCompare(runIds: string[], opts: Parameters<typeof openPage>[2] = {}, columns = runIds.length): Promise<TestPage> {
  const p = await openPage(browser, compareUrl(runIds), opts);
  await p.page.waitForFunction((n) => document.querySelectorAll('.ll-compare-table th.ll-compare-col').length === n && document.querySelector('.ll-pc-svg'), columns);
  return p;
}

const all = (): string[] => [ids.alpha, ids.beta, ids.gamma];

/** Tall enough for the whole view in one screenshot (the page scrolls inside its frame). */
const TALL = { width: 1280, height: 1500 };

test('the header lists the runs in their series colours, each linked to its run page', async () => {
  const p = await openCompare(all(), { viewport: TALL });
  try {
    // queried and read in one step: the header re-renders on live updates, and a row read after
    // its re-render is detached (no computed colour)
    const runs = await p.page.evaluate(() =>
      [...document.querySelectorAll('.ll-compare-run')].map((li) => ({
        id: (li as any).dataset.runId,
        name: li.querySelector('a')?.textContent,
        href: li.querySelector('a')?.getAttribute('href'),
        colour: getComputedStyle(li.querySelector('.ll-run-swatch')).backgroundColor,
        remove: li.querySelector('button.ll-compare-remove')?.getAttribute('aria-label'),
      })),
    );
    const series = await p.page.evaluate(() => [0, 1, 2].map((i) => getComputedStyle(document.body).getPropertyValue(`--ll-series-${i}`).trim()));
    assert.deepEqual(
      runs.map((r) => [r.id, r.name, r.href]),
      (['alpha', 'beta', 'gamma'] as const).map((n) => [ids[n], n, `#/runs/${ids[n]}`]),
    );
    assert.deepEqual(series, ['#1f77b4', '#ff7f0e', '#2ca02c']);
    assert.deepEqual(
      runs.map((r) => r.colour),
      ['rgb(31, 119, 180)', 'rgb(255, 127, 14)', 'rgb(44, 160, 44)'],
    );
    assert.equal(runs[1]?.remove, 'Remove beta from the comparison');
    assert.equal(await p.page.locator('.ll-compare-view h1').textContent(), 'Comparing 3 runs');
    await p.screenshot('compare-light');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the table marks exactly the params and metrics that differ; numbers are right-aligned and formatted', async () => {
  const p = await openCompare(all());
  try {
    const rows = await p.page.$$eval('.ll-compare-table tbody tr[data-row-id]:not(.ll-compare-section)', (trs) =>
      trs.map((tr) => ({
        id: (tr as any).dataset.rowId as string,
        texts: [...tr.querySelectorAll('td')].map((td) => td.textContent),
        diff: [...tr.querySelectorAll('td')].map((td) => td.classList.contains('ll-diff')),
        num: [...tr.querySelectorAll('td')].map((td) => td.classList.contains('ll-num') && getComputedStyle(td).textAlign === 'right'),
        marked: tr.classList.contains('ll-diff-row'),
      })),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    // params first, then metrics, then tags (mlflow.* tags left out)
    assert.deepEqual(
      rows.map((r) => r.id),
      ['params.batch', 'params.lr', 'params.optimizer', 'params.seed', 'metrics.acc', 'metrics.loss', 'tags.team'],
    );
    for (const id of DIFFERING) assert.deepEqual([byId.get(id)?.marked, byId.get(id)?.diff], [true, [true, true, true]], `${id} differs`);
    for (const id of EQUAL) assert.deepEqual([byId.get(id)?.marked, byId.get(id)?.diff], [false, [false, false, false]], `${id} is the same everywhere`);
    assert.deepEqual(byId.get('params.lr')?.texts, ['0.1', '0.01', '0.01']);
    assert.deepEqual(byId.get('params.optimizer')?.texts, ['adam', 'sgd', 'adam']);
    assert.deepEqual(byId.get('metrics.loss')?.texts, ['0.5', '0.3', '0.2'], 'the latest value of each run');
    assert.deepEqual(byId.get('metrics.loss')?.num, [true, true, true]);
    assert.deepEqual(byId.get('params.lr')?.num, [true, true, true]);
    assert.deepEqual(byId.get('params.optimizer')?.num, [false, false, false]);
    assert.equal(await p.page.locator('.ll-diff-table .ll-compare-toolbar .ll-muted').textContent(), '4 of 7 rows differ');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('"Only differences" hides the rows whose values are equal', async () => {
  const p = await openCompare(all());
  try {
    const shown = (): Promise<string[]> => p.page.$$eval('.ll-compare-table tbody tr[data-row-id]:not(.ll-compare-section)', (trs) => trs.map((tr) => (tr as any).dataset.rowId));
    assert.equal((await shown()).length, 7);
    await p.page.getByLabel('Only differences').check();
    assert.deepEqual(await shown(), DIFFERING);
    // the Tags section has no differing row: its title goes too
    assert.deepEqual(await p.page.$$eval('.ll-compare-table tr.ll-compare-section', (trs) => trs.map((tr) => tr.textContent)), ['Parameters', 'Metrics (latest)']);
    await p.page.getByLabel('Only differences').uncheck();
    assert.equal((await shown()).length, 7);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('parallel coordinates: one line per run in its colour, one axis per chosen key, hover shows a run', async () => {
  const p = await openCompare(all());
  try {
    const axes = (): Promise<string[]> => p.page.$$eval('.ll-pc-axis', (gs) => gs.map((g) => (g as any).dataset.axisKey));
    const checked = (): Promise<string[]> => p.page.$$eval('.ll-pc-chooser input:checked', (bs) => bs.map((b) => (b as any).dataset.axisKey));
    // before the user chooses: the keys that differ
    assert.deepEqual(await axes(), DIFFERING);
    assert.deepEqual(await checked(), DIFFERING);
    const lines = await p.page.$$eval('.ll-pc-runs .ll-pc-run', (gs) =>
      gs.map((g) => ({ id: (g as any).dataset.runId, d: g.querySelector('.ll-pc-line')?.getAttribute('d') ?? '', stroke: getComputedStyle(g.querySelector('.ll-pc-line')).stroke })),
    );
    assert.deepEqual(
      lines.map((l) => l.id),
      all(),
    );
    for (const l of lines) assert.equal(l.d.match(/[ML]/g)?.join(''), 'MLLL', 'a line through the four axes');
    assert.deepEqual(
      lines.map((l) => l.stroke),
      ['rgb(31, 119, 180)', 'rgb(255, 127, 14)', 'rgb(44, 160, 44)'],
    );
    // a categorical param: its values evenly spaced; a numeric one: min and max at the ends
    assert.deepEqual(await p.page.$$eval('.ll-pc-axis[data-axis-key="params.optimizer"] .ll-pc-tick', (ts) => ts.map((t) => t.textContent)), ['adam', 'sgd']);
    assert.equal(await p.page.getAttribute('.ll-pc-axis[data-axis-key="params.optimizer"]', 'class'), 'll-pc-axis ll-pc-category');
    const lossTicks = await p.page.$$eval('.ll-pc-axis[data-axis-key="metrics.loss"] .ll-pc-tick', (ts) => ts.map((t) => t.textContent));
    assert.equal(lossTicks[0], '0.2');
    assert.equal(lossTicks.at(-1), '0.5');

    // choosing: one more axis, then one fewer
    await p.page.check('.ll-pc-chooser input[data-axis-key="metrics.acc"]');
    assert.deepEqual(await axes(), [...DIFFERING.slice(0, 3), 'metrics.acc', 'metrics.loss']);
    await p.page.uncheck('.ll-pc-chooser input[data-axis-key="params.batch"]');
    await p.page.uncheck('.ll-pc-chooser input[data-axis-key="params.lr"]');
    assert.deepEqual(await axes(), await checked());
    assert.deepEqual(await axes(), ['params.optimizer', 'metrics.acc', 'metrics.loss']);
    assert.equal(await p.page.locator('.ll-pc-runs .ll-pc-run').count(), 3);

    // hover: the run is highlighted, the others dimmed, its values listed
    await p.page.hover(`.ll-pc-run[data-run-id="${ids.beta}"] .ll-pc-dot >> nth=0`);
    await p.page.waitForSelector('.ll-pc-tooltip:not([hidden])');
    assert.equal(await p.page.locator('.ll-pc-svg.ll-pc-hovering').count(), 1);
    assert.equal(await p.page.getAttribute(`.ll-pc-run[data-run-id="${ids.beta}"]`, 'class'), 'll-pc-run ll-pc-active');
    assert.equal(await p.page.locator('.ll-pc-tooltip-title').textContent(), 'beta');
    assert.deepEqual(await p.page.$$eval('.ll-pc-tooltip tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent))), [
      ['optimizer', 'sgd'],
      ['acc', '0.9'],
      ['loss', '0.3'],
    ]);
    await p.page.mouse.move(2, 2);
    await p.page.waitForSelector('.ll-pc-tooltip', { state: 'hidden' });
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('removing a run updates the URL and the comparison', async () => {
  const p = await openCompare(all());
  try {
    // the page's open live subscriptions (the client's own count; the charts watch the runs too)
    const watching = (): Promise<number> => p.page.evaluate(() => window.lablogPage.ctx.lablog.watchers.size);
    await p.page.waitForFunction(() => window.lablogPage.ctx.lablog.watchers.size >= 3);
    const before = await watching();
    await p.page.click(`.ll-compare-run[data-run-id="${ids.beta}"] .ll-compare-remove`);
    await p.page.waitForFunction(() => document.querySelectorAll('.ll-compare-table th.ll-compare-col').length === 2);
    assert.ok((await watching()) < before, 'the removed run is no longer watched');
    const hash = new URL(p.page.url()).hash;
    assert.match(hash, /^#\/compare\?/);
    assert.equal(new URLSearchParams(hash.slice(hash.indexOf('?') + 1)).get('runs'), `${ids.alpha},${ids.gamma}`);
    assert.deepEqual(await p.page.$$eval('.ll-compare-run', (lis) => lis.map((li) => (li as any).dataset.runId)), [ids.alpha, ids.gamma]);
    assert.equal(await p.page.locator('.ll-pc-runs .ll-pc-run').count(), 2);
    // gamma is now the second run: the second colour, in the header and on its line
    assert.equal(await p.page.$eval(`.ll-compare-run[data-run-id="${ids.gamma}"] .ll-run-swatch`, (s) => getComputedStyle(s).backgroundColor), 'rgb(255, 127, 14)');
    // without beta, optimizer no longer differs
    assert.equal(await p.page.locator('tr[data-row-id="params.optimizer"] td.ll-diff').count(), 0);
    // the keyboard stays in the list: the × now at the removed one's place has the focus
    assert.equal(await p.page.evaluate(() => document.activeElement?.closest('.ll-compare-run')?.dataset.runId), ids.gamma);
    // down to one run: the empty state explains what to do
    await p.page.keyboard.press('Enter');
    await p.page.waitForSelector('.ll-compare-empty:not(.lm-mod-hidden)');
    assert.match(await p.page.locator('.ll-compare-empty').textContent() ?? '', /runs table.*press Compare/);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a metric logged after the page opened updates the table without a reload', async () => {
  // runs of its own: what it logs must not change what the other tests see
  const [delta, epsilon] = await Promise.all(
    ['delta', 'epsilon'].map(async (run_name) => {
      const r = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: experimentId, run_name, start_time: Date.now() });
      const id = r.body.run.info.run_id;
      await logBatch(id, { metrics: [{ key: 'loss', value: run_name === 'delta' ? 0.5 : 0.3, step: 2 }] });
      return id;
    }),
  );
  const p = await openCompare([delta!, epsilon!]);
  try {
    const cells = (id: string): Promise<string[]> => p.page.$$eval(`tr[data-row-id="${id}"] td`, (tds) => tds.map((td) => td.textContent ?? ''));
    assert.deepEqual(await cells('metrics.loss'), ['0.5', '0.3']);
    // hovering delta's line while it logs: the values it shows follow
    await p.page.hover(`.ll-pc-run[data-run-id="${delta}"] .ll-pc-dot`);
    await p.page.waitForSelector('.ll-pc-tooltip:not([hidden])');
    await logBatch(delta!, { metrics: [{ key: 'loss', value: 0.125, step: 3 }, { key: 'f1', value: 0.75, step: 3 }] });
    await p.page.waitForFunction((a) => document.querySelector('tr[data-row-id="metrics.loss"] td')?.textContent === a, '0.125');
    assert.deepEqual(await cells('metrics.loss'), ['0.125', '0.3']);
    await p.page.waitForFunction(() => [...document.querySelectorAll('.ll-pc-tooltip tr')].some((tr: any) => tr.textContent === 'loss0.125'));
    await p.page.mouse.move(1, 1);
    await p.page.waitForSelector('.ll-pc-tooltip', { state: 'hidden' });
    // a new metric is a new row (only delta has it: it differs) and a new axis to choose
    await p.page.waitForSelector('tr[data-row-id="metrics.f1"]');
    assert.deepEqual(await cells('metrics.f1'), ['0.75', '—']);
    assert.equal(await p.page.locator('tr[data-row-id="metrics.f1"] td.ll-diff').count(), 2);
    await p.page.waitForSelector('.ll-pc-chooser input[data-axis-key="metrics.f1"]');
    // a point at an earlier step is not the latest; a param logged now is a row at once
    await logBatch(epsilon!, { metrics: [{ key: 'loss', value: 7, step: 0 }], params: [{ key: 'note', value: 'late' }] });
    await p.page.waitForSelector('tr[data-row-id="params.note"]');
    assert.deepEqual(await cells('metrics.loss'), ['0.125', '0.3']);
    // the same value logged again by the other run: the row no longer differs
    await logBatch(epsilon!, { metrics: [{ key: 'loss', value: 0.125, step: 5 }] });
    await p.page.waitForFunction(() => !document.querySelector('tr[data-row-id="metrics.loss"].ll-diff-row'));
    assert.equal(await p.page.locator('tr[data-row-id="metrics.loss"] td.ll-diff').count(), 0);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a run id that does not exist shows its error inline; the others are still compared', async () => {
  const p = await openCompare([ids.alpha, 'no-such-run', ids.gamma], { expectedErrors: ['status of 404'] }, 2);
  try {
    const bad = p.page.locator('.ll-compare-run.ll-error');
    assert.equal(await bad.count(), 1);
    assert.match((await bad.textContent()) ?? '', /no-such-run: .*no-such-run/);
    assert.deepEqual(await p.page.$$eval('.ll-compare-table th.ll-compare-col a', (as) => as.map((a) => a.textContent)), ['alpha', 'gamma']);
    // it can be removed like any other
    await bad.locator('button').click();
    await p.page.waitForFunction(() => !document.querySelector('.ll-compare-run.ll-error'));
    assert.equal(new URLSearchParams(new URL(p.page.url()).hash.split('?')[1]).get('runs'), `${ids.alpha},${ids.gamma}`);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('fewer than two runs: the empty state says how to pick runs', async () => {
  const p = await openPage(browser, `${agent.url}/#/compare`);
  try {
    const empty = p.page.locator('.ll-compare-empty');
    await empty.waitFor();
    assert.match((await empty.textContent()) ?? '', /Select two or more runs in the runs table, then press Compare/);
    assert.equal(await p.page.locator('.ll-compare-empty a').getAttribute('href'), '#/');
    assert.equal(await p.page.locator('.ll-compare-table-section').isVisible(), false);
    await p.screenshot('compare-empty');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the table is navigable with the keyboard; Enter on a run column opens the run', async () => {
  const p = await openCompare(all());
  try {
    const focused = (): Promise<string> => p.page.evaluate(() => {
      const c = document.activeElement;
      return `${c?.parentElement?.dataset.rowId}:${c?.cellIndex}`;
    });
    await p.page.focus('.ll-compare-table thead th >> nth=0');
    await p.page.keyboard.press('ArrowDown'); // the Parameters title
    await p.page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'params.batch:0');
    await p.page.keyboard.press('ArrowRight');
    await p.page.keyboard.press('ArrowRight');
    assert.equal(await focused(), 'params.batch:2');
    await p.page.keyboard.press('ArrowUp');
    await p.page.keyboard.press('ArrowUp');
    assert.equal(await focused(), 'head:2');
    await p.page.keyboard.press('Enter');
    await p.page.waitForFunction((id) => location.hash === `#/runs/${id}`, ids.beta);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('dark theme: axis labels and table read light on dark', async () => {
  const p = await openCompare(all(), { colorScheme: 'dark', viewport: TALL });
  try {
    const label = await p.page.$eval('.ll-pc-axis-label', (t) => getComputedStyle(t).fill);
    assert.equal(label, 'rgb(230, 237, 243)');
    const diffBg = await p.page.$eval('tr[data-row-id="params.lr"] td.ll-diff', (td) => getComputedStyle(td).backgroundColor);
    assert.equal(diffBg, 'rgb(74, 60, 11)');
    await p.page.hover(`.ll-pc-run[data-run-id="${ids.gamma}"] .ll-pc-dot >> nth=1`);
    await p.page.waitForSelector('.ll-pc-tooltip:not([hidden])');
    await p.screenshot('compare-dark');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('charts: one chart per metric, every run a series', async () => {
  const p = await openCompare(all());
  try {
    // charts load once they scroll into view
    await p.page.locator('.ll-compare-charts [data-metric-key] >> nth=0').scrollIntoViewIfNeeded();
    await p.page.waitForFunction(() => document.querySelectorAll('.ll-compare-charts [data-metric-key][data-series-count="3"] canvas').length >= 2);
    const charts = await p.page.$$eval('.ll-compare-charts [data-metric-key]', (cs) =>
      cs.map((c) => [(c as any).dataset.metricKey, (c as any).dataset.seriesCount, c.querySelectorAll('canvas').length]),
    );
    assert.deepEqual(
      charts.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        ['acc', '3', 1],
        ['loss', '3', 1],
      ],
    );
    // each run has the same colour on the charts as in the header and on its parallel-coordinates line
    const legend = await p.page.$$eval('.ll-compare-charts [data-metric-key="loss"] .ll-chart-legend-item', (items) =>
      items.map((i: any) => [i.dataset.runId, getComputedStyle(i.querySelector('.ll-swatch')).backgroundColor]),
    );
    const header = await p.page.$$eval('.ll-compare-run', (lis) => lis.map((li: any) => [li.dataset.runId, getComputedStyle(li.querySelector('.ll-run-swatch')).backgroundColor]));
    assert.deepEqual(legend, header);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
