/**
 * The sorters of runs/search (`runSorter`, `runIndexSorter`: read each key once, sort only as far
 * as the page needs, typed arrays for a metric) order runs exactly as `runComparator` does, over
 * the values that make orders hard: NaN, ±Infinity, -0 and 0, missing keys, equal values and
 * equal start times, runs in no particular order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runComparator, runIndexSorter, runSorter, type RunDoc } from 'lablog/search';
import { rng } from '../support/metricPoints.js';
import { run } from './records.js';

const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 0.5, 0.5, 1];

function runs(seed: number, n: number): RunDoc[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const metrics: Record<string, number> = {};
    if (r() < 0.8) metrics.loss = r() < 0.5 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : Math.round(r() * 20) / 4;
    const params: Record<string, string> = r() < 0.9 ? { opt: r() < 0.5 ? 'adam' : 'sgd' } : {};
    return run({ name: `r${i}`, start: 100 + Math.floor(r() * 10), metrics, params });
  });
}

const ORDERS = [[], ['metrics.loss'], ['metrics.loss DESC'], ['params.opt', 'metrics.loss DESC'], ['params.opt DESC'], ['attributes.start_time ASC'], ['attributes.run_name DESC']];

test('every sorter gives runComparator\'s order, whole or its first few', () => {
  for (let seed = 1; seed <= 5; seed++) {
    const sample = runs(seed, 300);
    for (const orderBy of ORDERS) {
      const want = [...sample].sort(runComparator(orderBy)).map((d) => d.info.run_name);
      for (const limit of [undefined, 1, 7, 60, 100, 299]) {
        const n = limit ?? sample.length;
        assert.deepEqual(runSorter(orderBy)(sample, limit).map((d) => d.info.run_name), want.slice(0, n), `${orderBy} first ${n}`);
        assert.deepEqual(runIndexSorter(orderBy)(sample, limit).map((i) => sample[i]!.info.run_name), want.slice(0, n), `${orderBy} first ${n} (indexes)`);
      }
    }
  }
});
