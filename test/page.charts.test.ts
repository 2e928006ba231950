/**
 * The run page's charts in Chromium against a real agent: one chart canvas per metric with a
 * series per run, points logged after the page opened drawn without a reload (and a metric
 * logged for the first time getting its chart), the toolbar (x by time, log scale, smoothing,
 * name filter), hover values, and a million-point metric drawn from the agent's buckets that
 * refines when zoomed and comes back on double-click. No console errors anywhere.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, type TestPage } from './support/browser.js';
import { newRun, post } from './support/mlflowHttp.js';
import { startAgent, type StartedAgent } from './support/startAgent.js';

let browser: Browser;
let agent: StartedAgent;
let runId = '';
let experimentId = '';

type Point = { key: string; value: number; step: number; timestamp: number };

async function logMetrics(id: string, metrics: Point[]): Promise<void> {
  const res = await post(agent.url, 'runs/log-batch', { run_id: id, metrics });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

const T0 = 1_700_000_000_000;

before(async () => {
  [browser, agent] = await Promise.all([launchBrowser(), startAgent()]);
  ({ runId, experimentId } = await newRun(agent.url, 'charts', 'trainer'));
  await logMetrics(runId, [
    ...Array.from({ length: 100 }, (_, i) => ({ key: 'loss', value: 2 / (i + 1) + 0.05 * Math.sin(i), step: i, timestamp: T0 + i * 1000 })),
    ...Array.from({ length: 50 }, (_, i) => ({ key: 'accuracy', value: 0.5 + i / 110, step: i * 2, timestamp: T0 + i * 2000 })),
  ]);
});
after(async () => {
  await browser?.close();
  await agent?.close();
});

/** Data attributes of the chart of `key`. */
function chartAttr(p: TestPage, key: string, attr: string): Promise<string | null> {
  return p.page.locator(`.ll-metric-chart[data-metric-key="${key}"]`).getAttribute(`data-${attr}`);
}

async function openCharts(id: string): Promise<TestPage> {
  const p = await openPage(browser, `${agent.url}/#/runs/${id}?tab=charts`);
  await p.page.waitForSelector('.ll-metric-chart[data-state="ready"] canvas');
  return p;
}

test('one chart canvas per metric, in name order, with one series for the run and every point drawn', async () => {
  const p = await openCharts(runId);
  try {
    await p.page.waitForFunction(() => document.querySelectorAll('.ll-metric-chart[data-state="ready"]').length === 2);
    const charts = await p.page.$$eval('.ll-metric-chart', (cs) => cs.map((c: any) => [c.dataset.metricKey, c.dataset.seriesCount, c.dataset.points, c.querySelectorAll('canvas').length]));
    assert.deepEqual(charts, [
      ['accuracy', '1', '50', 1],
      ['loss', '1', '100', 1],
    ]);
    assert.equal(await chartAttr(p, 'loss', 'reduced'), 'false');
    // the legend shows the latest value when the mouse is elsewhere
    assert.equal(await p.page.locator('.ll-metric-chart[data-metric-key="loss"] .ll-chart-value').textContent(), String(Number((2 / 100 + 0.05 * Math.sin(99)).toPrecision(6))));
    await p.screenshot('run-charts');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('points logged after the page opened are drawn without a reload; a new metric gets its chart', async () => {
  const { runId: live } = await newRun(agent.url, 'charts-live', 'live');
  await logMetrics(live, Array.from({ length: 10 }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), step: i, timestamp: T0 + i })));
  const p = await openCharts(live);
  try {
    assert.equal(await chartAttr(p, 'loss', 'points'), '10');
    await logMetrics(live, [{ key: 'loss', value: 0.05, step: 10, timestamp: T0 + 10 }]);
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"][data-points="11"]');
    for (let i = 11; i < 30; i++) await logMetrics(live, [{ key: 'loss', value: 1 / (i + 1), step: i, timestamp: T0 + i }]);
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"][data-points="30"]');
    await logMetrics(live, [{ key: 'lr', value: 0.001, step: 0, timestamp: T0 }]);
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="lr"][data-state="ready"][data-points="1"] canvas');
    const keys = await p.page.$$eval('.ll-metric-chart', (cs) => cs.map((c: any) => c.dataset.metricKey));
    assert.deepEqual(keys, ['loss', 'lr']);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a run without metrics says how to log one, and its first metric appears live', async () => {
  const { runId: empty } = await newRun(agent.url, 'charts-empty', 'empty');
  const p = await openPage(browser, `${agent.url}/#/runs/${empty}?tab=charts`);
  try {
    await p.page.waitForSelector('.ll-charts-empty');
    assert.match((await p.page.locator('.ll-charts-empty').textContent()) ?? '', /appears here live/);
    await p.screenshot('run-charts-empty');
    await logMetrics(empty, [{ key: 'loss', value: 1, step: 0, timestamp: T0 }]);
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"][data-points="1"] canvas');
    assert.equal(await p.page.locator('.ll-charts-empty').count(), 0);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the toolbar: x by time, log scale, smoothing, filter on names; hovering shows values', async () => {
  const p = await openCharts(runId);
  try {
    await p.page.waitForFunction(() => document.querySelectorAll('.ll-metric-chart[data-state="ready"]').length === 2);
    const drawn = Number(await chartAttr(p, 'loss', 'drawn'));
    await p.page.click('.ll-chart-toolbar [data-x-axis="time"]');
    assert.equal(await p.page.getAttribute('.ll-chart-toolbar [data-x-axis="time"]', 'aria-pressed'), 'true');
    // read again by time: the same points over 99 s of timestamps
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"][data-x-axis="time"][data-state="ready"][data-points="100"]');
    assert.equal(await chartAttr(p, 'loss', 'x-span'), String(99 * 1000));
    await p.page.click('.ll-chart-toolbar [data-x-axis="step"]');
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"][data-x-axis="step"][data-state="ready"]');
    assert.equal(await chartAttr(p, 'loss', 'x-span'), '99');

    await p.page.check('.ll-log-scale');
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"][data-log="true"]');
    assert.ok(Number(await chartAttr(p, 'loss', 'drawn')) > drawn, 'redrawn on a log scale');
    await p.screenshot('run-charts-log');
    await p.page.uncheck('.ll-log-scale');
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"][data-log="false"]');

    await p.page.locator('.ll-smoothing-slider').fill('0.8');
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"][data-smoothing="0.8"]');
    assert.match((await p.page.locator('.ll-metric-chart[data-metric-key="loss"] .ll-chart-legend').textContent()) ?? '', /smoothed/);
    await p.screenshot('run-charts-smoothed');

    // hover over the middle of the plot: the legend shows the step under the cursor and its value
    const over = p.page.locator('.ll-metric-chart[data-metric-key="loss"] .u-over');
    const box = (await over.boundingBox())!;
    await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.page.waitForFunction(() => /step \d+/.test(document.querySelector('.ll-metric-chart[data-metric-key="loss"] .ll-chart-x')?.textContent ?? ''));

    await p.page.fill('.ll-chart-filter', 'acc');
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"]', { state: 'hidden' });
    assert.ok(await p.page.locator('.ll-metric-chart[data-metric-key="accuracy"]').isVisible());
    await p.page.fill('.ll-chart-filter', 'nothing-like-this');
    await p.page.waitForSelector('.ll-chart-grid-note .ll-empty');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

/**
 * In the page: whether the chart of `k` has a pixel of colour [r, g, b] (±6 per channel) on its
 * canvas. False while there is no canvas: a theme change rebuilds the chart, canvas included.
 */
const hasColour = ([k, [r, g, b]]: readonly [string, readonly [number, number, number]]): boolean => {
  const canvas = document.querySelector(`.ll-metric-chart[data-metric-key="${k}"] canvas`);
  if (!canvas) return false;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - r) <= 6 && Math.abs(data[i + 1] - g) <= 6 && Math.abs(data[i + 2] - b) <= 6 && data[i + 3] > 200) return true;
  }
  return false;
};

test('series colours come from the theme and change with it', async () => {
  const p = await openCharts(runId);
  try {
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"][data-state="ready"]');
    // --ll-series-0 light: #1f77b4
    assert.ok(await p.page.evaluate(hasColour, ['loss', [0x1f, 0x77, 0xb4]] as const), 'light series colour drawn');
    await p.page.emulateMedia({ colorScheme: 'dark' });
    // --ll-series-0 dark: #58a6ff, redrawn without a reload
    await p.page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(15, 19, 24)');
    await p.page.waitForFunction(hasColour, ['loss', [0x58, 0xa6, 0xff]] as const);
    assert.equal(await p.page.evaluate(hasColour, ['loss', [0x1f, 0x77, 0xb4]] as const), false);
    await p.screenshot('run-charts-dark');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('runs compared are overlaid: one series per run on each chart', async () => {
  const { runId: other } = await newRun(agent.url, 'charts-other', 'other');
  await logMetrics(other, Array.from({ length: 80 }, (_, i) => ({ key: 'loss', value: 1.5 / (i + 1), step: i, timestamp: T0 + i })));
  const p = await openPage(browser, `${agent.url}/#/compare?runs=${runId},${other}`);
  try {
    // charts below the fold draw once scrolled to
    await p.page.waitForSelector('.ll-compare-charts .ll-metric-chart');
    await p.page.locator('.ll-compare-charts .ll-metric-chart[data-metric-key="loss"]').scrollIntoViewIfNeeded();
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"][data-series-count="2"] canvas');
    assert.equal(await chartAttr(p, 'loss', 'points'), String(100 + 80));
    assert.equal(await chartAttr(p, 'accuracy', 'series-count'), '1');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a million-point metric is drawn from buckets, refines when zoomed, and zooms out on double-click', async () => {
  const { runId: big } = await newRun(agent.url, 'charts-1m', 'long');
  const total = 1_000_000;
  const perRequest = 1000;
  let next = 0;
  // 8 requests in flight, 1000 points each, as a training loop logging fast would
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < total) {
        const from = next;
        next += perRequest;
        await logMetrics(big, Array.from({ length: perRequest }, (_, k) => {
          const step = from + k;
          return { key: 'loss', value: Math.exp(-step / 200_000) + 0.1 * Math.sin(step / 500), step, timestamp: T0 + step };
        }));
      }
    }),
  );
  const p = await openCharts(big);
  try {
    const points = Number(await chartAttr(p, 'loss', 'points'));
    assert.ok(points > 0 && points <= 1000, `drawn from at most 1000 buckets, got ${points}`);
    assert.equal(await chartAttr(p, 'loss', 'reduced'), 'true');
    // each bucket is drawn at its last point: the first one sits a bucket's width in
    const span = Number(await chartAttr(p, 'loss', 'x-span'));
    assert.ok(span > 0.99 * total, `the whole history is drawn, got x over ${span} steps`);
    await p.screenshot('run-charts-1m');

    // drag across a tenth of the plot: the agent sends that range at finer buckets
    const over = p.page.locator('.ll-metric-chart[data-metric-key="loss"] .u-over');
    const box = (await over.boundingBox())!;
    const y = box.y + box.height / 2;
    await p.page.mouse.move(box.x + box.width * 0.4, y);
    await p.page.mouse.down();
    await p.page.mouse.move(box.x + box.width * 0.45, y, { steps: 5 });
    await p.page.mouse.move(box.x + box.width * 0.5, y, { steps: 5 });
    await p.page.mouse.up();
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"][data-zoomed="true"]');
    await p.page.waitForFunction(() => {
      const c = document.querySelector('.ll-metric-chart[data-metric-key="loss"]') as any;
      return Number(c.dataset.xSpan) < 150_000 && Number(c.dataset.points) > 500;
    });
    const zoomedSpan = Number(await chartAttr(p, 'loss', 'x-span'));
    const zoomedPoints = Number(await chartAttr(p, 'loss', 'points'));
    // about ten times the points per step than before
    assert.ok(zoomedPoints / zoomedSpan > (5 * points) / total, `refined: ${zoomedPoints} over ${zoomedSpan} steps`);
    await p.screenshot('run-charts-1m-zoomed');

    await over.dblclick({ position: { x: box.width / 2, y: box.height / 2 } });
    await p.page.waitForSelector('.ll-metric-chart[data-metric-key="loss"][data-zoomed="false"]');
    await p.page.waitForFunction((whole) => (document.querySelector('.ll-metric-chart[data-metric-key="loss"]') as any).dataset.xSpan === String(whole), span);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the charts of a run follow the experiment link back', async () => {
  const p = await openCharts(runId);
  try {
    const href = await p.page.getAttribute('.ll-run-meta [data-field="experiment"] a', 'href');
    assert.equal(href, `#/experiments/${experimentId}`);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('metrics group by prefix under headings; NaN/Infinity are marked and counted, values ≤ 0 on a log scale are counted; a chart expands and downloads as CSV', async () => {
  const { runId: id } = await newRun(agent.url, 'charts-groups', 'grouped');
  const pts = (key: string, values: Array<number | string>) => values.map((value, step) => ({ key, value, step, timestamp: T0 + step }));
  const res = await post(agent.url, 'runs/log-batch', {
    run_id: id,
    metrics: [...pts('train/loss', [1, 'NaN', 0.5, 'Infinity', -0.1, 0.2]), ...pts('train/acc', [0.1, 0.2]), ...pts('val/loss', [0.9, 0.8]), ...pts('lr', [0.1, 0.01])],
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const p = await openCharts(id);
  try {
    // (charts below the fold draw when scrolled to)
    await p.page.waitForFunction(() => document.querySelectorAll('.ll-metric-chart').length === 4 && document.querySelector('.ll-metric-chart[data-metric-key="train/loss"][data-state="ready"]'));
    const order = await p.page.$$eval('.ll-chart-grid-charts > *', (els) => els.map((e: any) => (e.classList.contains('ll-chart-group') ? `# ${e.textContent}` : e.dataset.metricKey)));
    assert.deepEqual(order, ['# train/', 'train/acc', 'train/loss', '# val/', 'val/loss', '# Other metrics', 'lr']);
    const loss = '.ll-metric-chart[data-metric-key="train/loss"]';
    assert.equal(await p.page.locator(`${loss} .ll-chart-notes`).textContent(), '▲ 2 values are NaN or ±Infinity (marked on the x axis)');
    await p.page.check('.ll-log-scale');
    await p.page.waitForFunction((sel) => document.querySelector(`${sel} .ll-chart-notes`)?.textContent?.includes('≤ 0 not drawn on the log scale'), loss);
    assert.equal(await p.page.locator(`${loss} .ll-chart-notes`).textContent(), '▲ 2 values are NaN or ±Infinity (marked on the x axis) · 1 value ≤ 0 not drawn on the log scale');

    // filtering out a group's charts hides its heading
    await p.page.fill('.ll-chart-filter', 'loss');
    await p.page.waitForSelector('.ll-chart-group[data-group="train"]');
    assert.equal(await p.page.locator('.ll-chart-group[data-group=""]').isHidden(), true);
    await p.page.fill('.ll-chart-filter', '');

    const before = await p.page.locator(`${loss} .ll-chart-plot`).boundingBox();
    await p.page.click(`${loss} button[data-tool="expand"]`);
    await p.page.waitForFunction((sel) => (document.querySelector(`${sel} canvas`) as any)?.getBoundingClientRect().height > 400, loss);
    const after = await p.page.locator(`${loss} .ll-chart-plot`).boundingBox();
    assert.ok(before && after && after.width > before.width * 1.5 && after.height > before.height * 1.5, `expanded: ${JSON.stringify([before, after])}`);

    const [download] = await Promise.all([p.page.waitForEvent('download'), p.page.click(`${loss} button[data-tool="csv"]`)]);
    assert.equal(download.suggestedFilename(), 'train_loss.csv');
    const csv = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((s) => {
        let text = '';
        s.on('data', (c: Buffer) => (text += c.toString()));
        s.on('end', () => resolve(text));
        s.on('error', reject);
      }, reject);
    });
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'run_id,run,step,value,min,max,count');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(2, 4).join(',')), ['0,1', '1,NaN', '2,0.5', '3,NaN', '4,-0.1', '5,0.2']);
    const [png] = await Promise.all([p.page.waitForEvent('download'), p.page.click(`${loss} button[data-tool="png"]`)]);
    assert.equal(png.suggestedFilename(), 'train_loss.png');
    await p.screenshot('charts-grouped');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
