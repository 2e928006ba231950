/**
 * Live charts in Chromium against agent processes: (a) the time from navigating to a run's
 * charts to its million-point metric drawn on screen, measured inside the page — on page loads
 * (the first one right after the points were logged, then warm), on a hash change within a
 * loaded page, and after an agent restart (when the agent reads the history back from its
 * metric log); (b) frames per second of the page while ten metrics of a run stream at 1 000
 * points/s each, logged by a TypeScript client in this process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lablog } from '@lablog/client';
import type { Page } from 'playwright-core';
import { startAgentProcess } from '../test/support/agentProcess.js';
import { launchBrowser, openPage } from '../test/support/browser.js';
import { newRun, post } from '../test/support/mlflowHttp.js';
import { fmt, type Row } from './table.js';

const POINTS = 1_000_000;
const PER_REQUEST = 1000;
const WORKERS = 8;
const STREAM_METRICS = 10;
const STREAM_RATE = 1000; // points/s per metric
const FPS_SECONDS = 5;
const T0 = 1_700_000_000_000;

/** Logs `POINTS` points of `loss` over REST, `WORKERS` requests of `PER_REQUEST` at a time. */
async function fillMillion(url: string, runId: string): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (next < POINTS) {
        const from = next;
        next += PER_REQUEST;
        const metrics = Array.from({ length: PER_REQUEST }, (_, k) => {
          const step = from + k;
          return { key: 'loss', value: Math.exp(-step / 200_000) + 0.1 * Math.sin(step / 500), step, timestamp: T0 + step };
        });
        const r = await post(url, 'runs/log-batch', { run_id: runId, metrics });
        if (r.status !== 200) throw new Error(`log-batch: ${JSON.stringify(r.body)}`);
      }
    }),
  );
}

// In the page: ms from `since` (performance.now() time; 0 = navigation start) to the first
// 'lablog:chart-drawn' mark after it (NaN after 30 s without one).
const WAIT_DRAWN = `(since) => new Promise((resolve) => {
  const find = () => performance.getEntriesByName('lablog:chart-drawn').find((e) => e.startTime >= since);
  const hit = find();
  if (hit) return resolve(hit.startTime - since);
  const obs = new PerformanceObserver(() => {
    const e = find();
    if (e) { obs.disconnect(); resolve(e.startTime - since); }
  });
  obs.observe({ type: 'mark', buffered: true });
  setTimeout(() => { obs.disconnect(); resolve(NaN); }, 30000);
})`;

/** Navigation (page load) to the chart drawn, in ms. */
async function loadToDrawn(page: Page, url: string): Promise<number> {
  await page.goto('about:blank'); // a new document each time, not a hash change
  await page.goto(url);
  return (await page.evaluate(`(${WAIT_DRAWN})(0)`)) as number;
}

/** Hash change (from the experiments view) to the chart drawn, in ms. */
async function hashToDrawn(page: Page, base: string, runHash: string): Promise<number> {
  await page.goto(`${base}/#/`);
  await page.waitForSelector('.ll-connection[data-state="up"]');
  return (await page.evaluate(`(() => { const t0 = performance.now(); location.hash = ${JSON.stringify(runHash)}; return (${WAIT_DRAWN})(t0); })()`)) as number;
}

// In the page: requestAnimationFrame callbacks per second over `seconds`, and the longest frame.
const COUNT_FRAMES = `(seconds) => new Promise((resolve) => {
  let frames = 0, longest = 0, last = 0, t0 = 0;
  const tick = (t) => {
    if (!t0) { t0 = last = t; requestAnimationFrame(tick); return; }
    frames++;
    longest = Math.max(longest, t - last);
    last = t;
    if (t - t0 < seconds * 1000) requestAnimationFrame(tick);
    else resolve({ fps: frames / ((t - t0) / 1000), longest });
  };
  requestAnimationFrame(tick);
})`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Streams `STREAM_METRICS` metrics at `STREAM_RATE` points/s each into a client run until `stop()`. */
function stream(run: Awaited<ReturnType<Lablog['startRun']>>, fromStep: number): { stop: () => number } {
  const t0 = performance.now();
  let step = fromStep;
  const timer = setInterval(() => {
    const due = fromStep + Math.floor(((performance.now() - t0) / 1000) * STREAM_RATE);
    for (; step < due; step++) {
      const values: Record<string, number> = {};
      for (let k = 0; k < STREAM_METRICS; k++) values[`m${k}`] = Math.sin(step / 200 + k) + k;
      run.logMetrics(values, { step });
    }
  }, 10);
  return {
    stop: () => {
      clearInterval(timer);
      return step - fromStep;
    },
  };
}

/** An agent process on its own store, stopped (SIGTERM, it saves everything) by `stop`. */
async function ownAgent(store: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const agent = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  return {
    url: agent.url,
    stop: async () => {
      agent.child.kill('SIGTERM');
      await agent.exited;
    },
  };
}

/** The browser chart figures. `url`: an agent for the streaming figure; the million-point figures use one of their own, restarted. */
export async function browserChartBench(url: string): Promise<Row[]> {
  const rows: Row[] = [];
  const browser = await launchBrowser();
  const store = await mkdtemp(join(tmpdir(), 'lablog-chart-bench-'));
  try {
    // (a) a million-point metric: right after logging it, again, then after an agent restart
    let agent = await ownAgent(store);
    const { runId } = await newRun(agent.url, `chart-bench-${Date.now()}`, 'million');
    const tFill = performance.now();
    await fillMillion(agent.url, runId);
    const fillS = (performance.now() - tFill) / 1000;
    const chartsHash = `#/runs/${runId}?tab=charts`;
    const p = await openPage(browser, 'about:blank');
    const first = await loadToDrawn(p.page, `${agent.url}/${chartsHash}`);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await loadToDrawn(p.page, `${agent.url}/${chartsHash}`));
    const hash: number[] = [];
    for (let i = 0; i < 5; i++) hash.push(await hashToDrawn(p.page, agent.url, `${chartsHash}&h=${i}`));
    const drawnPoints = await p.page.getAttribute('.ll-metric-chart[data-metric-key="loss"]', 'data-points');
    await agent.stop();
    agent = await ownAgent(store);
    const restarted = await loadToDrawn(p.page, `${agent.url}/${chartsHash}`);
    await p.close();
    await agent.stop();
    rows.push(
      { figure: `browser: page load → 1M-point chart drawn, first view (logged in ${fmt(fillS, 1)} s just before)`, value: `${fmt(first)} ms`, target: '< 500 ms', reference: `${drawnPoints} buckets drawn` },
      { figure: 'browser: page load → 1M-point chart drawn, median of 5', value: `${fmt(median(warm))} ms`, target: '< 500 ms' },
      { figure: 'browser: hash change → 1M-point chart drawn, median of 5', value: `${fmt(median(hash))} ms`, target: '< 500 ms' },
      { figure: 'browser: page load → 1M-point chart drawn, after an agent restart (read from metrics.jsonl)', value: `${fmt(restarted)} ms`, target: '< 500 ms' },
    );

    // (b) ten metrics streaming while the run's charts are open
    const lablog = new Lablog({ url, spoolDir: false, onError: null });
    try {
      const run = await lablog.startRun({ experiment: `chart-bench-stream-${Date.now()}`, runName: 'streaming' });
      for (let k = 0; k < STREAM_METRICS; k++) run.logMetric(`m${k}`, k, { step: 0 });
      await run.flush();
      const s = await openPage(browser, `${url}/#/runs/${run.id}?tab=charts`, { viewport: { width: 1600, height: 1400 } });
      // all ten charts on screen: none is spared for being scrolled away
      await s.page.waitForFunction(`document.querySelectorAll('.ll-metric-chart[data-state="ready"] canvas').length === ${STREAM_METRICS}`, undefined, { timeout: 60_000 });
      const idle = (await s.page.evaluate(`(${COUNT_FRAMES})(2)`)) as { fps: number; longest: number };
      const streaming = stream(run, 1);
      await new Promise((r) => setTimeout(r, 1000)); // let the stream settle
      const busy = (await s.page.evaluate(`(${COUNT_FRAMES})(${FPS_SECONDS})`)) as { fps: number; longest: number };
      const logged = streaming.stop();
      await run.flush();
      const visible = (await s.page.evaluate(`[...document.querySelectorAll('.ll-metric-chart')].filter((c) => { const r = c.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }).length`)) as number;
      await s.close();
      await run.endRun();
      rows.push(
        {
          figure: `browser: frames/s, ${STREAM_METRICS} metrics streaming at ${fmt(STREAM_RATE)} points/s each (${visible} charts on screen)`,
          value: `${fmt(busy.fps, 1)} fps`,
          target: '≥ 30 fps',
          reference: `idle page ${fmt(idle.fps, 1)} fps; longest frame ${fmt(busy.longest)} ms; ${fmt(logged * STREAM_METRICS)} points logged`,
        },
      );
    } finally {
      await lablog.close();
    }
  } finally {
    await browser.close();
    await rm(store, { recursive: true, force: true });
  }
  return rows;
}
