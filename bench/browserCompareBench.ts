/**
 * The compare view of a sweep in Chromium against an agent process: from navigating to
 * `#/compare?runs=…` to the first chart drawn and to every chart drawn, for 100 runs (three
 * metrics of 200 steps each) beside the same for 5 runs — median of 3 page loads each.
 */
import type { Page } from 'playwright-core';
import { launchBrowser, openPage } from '../test/support/browser.js';
import { post } from '../test/support/mlflowHttp.js';
import { fmt, type Row } from './table.js';

const RUNS = 100;
const METRICS = ['train/loss', 'val/loss', 'val/accuracy'];
const STEPS = 200;
const LOADS = 3;

/** Page load to [first chart drawn, all drawn] in ms. */
async function loadCompare(page: Page, url: string): Promise<[number, number]> {
  await page.goto('about:blank');
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('.ll-compare-charts .ll-metric-chart[data-state="ready"] canvas', { timeout: 60_000 });
  const first = Date.now() - t0;
  await page.waitForFunction((n) => document.querySelectorAll('.ll-compare-charts .ll-metric-chart[data-state="ready"]').length === n, METRICS.length, { timeout: 60_000 });
  return [first, Date.now() - t0];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The compare view of 100 and of 5 runs. */
export async function browserCompareBench(url: string): Promise<Row[]> {
  const exp = await post<{ experiment_id: string }>(url, 'experiments/create', { name: `compare-bench-${Date.now()}` });
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await post<{ run: { info: { run_id: string } } }>(url, 'runs/create', { experiment_id: exp.body.experiment_id, run_name: `trial-${i}`, start_time: Date.now() });
    ids.push(r.body.run.info.run_id);
    const metrics = METRICS.flatMap((key, k) => Array.from({ length: STEPS }, (_, step) => ({ key, value: (k + 1) * Math.exp(-step / (40 + i)), step, timestamp: Date.now() })));
    await post(url, 'runs/log-batch', { run_id: ids[i], params: [{ key: 'lr', value: String(0.001 * (i + 1)) }], metrics });
  }
  const browser = await launchBrowser();
  try {
    const p = await openPage(browser, 'about:blank', { viewport: { width: 1280, height: 2400 } });
    const measure = async (n: number): Promise<[number, number]> => {
      const firsts: number[] = [];
      const alls: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        const [f, a] = await loadCompare(p.page, `${url}/#/compare?runs=${ids.slice(0, n).join(',')}`);
        firsts.push(f);
        alls.push(a);
      }
      return [median(firsts), median(alls)];
    };
    const [f5, a5] = await measure(5);
    const [f100, a100] = await measure(RUNS);
    await p.close();
    return [
      { figure: `browser: compare of ${RUNS} runs, page load → first chart drawn (median of ${LOADS})`, value: `${fmt(f100)} ms`, target: '< 1 000 ms', reference: `5 runs: ${fmt(f5)} ms (×${fmt(f100 / f5, 1)})` },
      { figure: `browser: compare of ${RUNS} runs, page load → all ${METRICS.length} charts drawn`, value: `${fmt(a100)} ms`, target: '', reference: `5 runs: ${fmt(a5)} ms` },
    ];
  } finally {
    await browser.close();
  }
}
