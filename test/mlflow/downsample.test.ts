/**
 * `GET /api/2.0/lablog/metrics/downsample`: min/max/last/count per x bucket, checked against a
 * brute-force reduction of the same points; every point as it is when they fit the buckets;
 * inclusive x ranges; x by step or by time; non-finite values as null; points logged after a
 * first read show up in the next one; after a restart the history read back from the file gives
 * the same answers; MLflow-style errors for an unknown run and bad queries.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DownsampleReply } from '@lablog/schema';
import { createAgent } from 'lablog';
import { engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';
import { newRun, post } from '../support/mlflowHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';
import { pgAgentWithoutColumnCache, rng, type Point, type Value } from '../support/metricPoints.js';

const num = (v: Value): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity);
const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * The reduction the endpoint documents, done the slow way: points in [lo, hi] sorted by x, then
 * the other coordinate (timestamp on the step axis, step on the time axis), then logging order;
 * all of them when they fit, else equal-width buckets over their x extent,
 * bucket = min(n - 1, floor((x - x0) * (n / span))), each showing its last point in that order.
 */
function reference(points: Point[], axis: 'step' | 'time', n: number, lo = -Infinity, hi = Infinity): Omit<DownsampleReply, 'metric_key'> {
  const xOf = (p: Point) => (axis === 'step' ? p.step : p.timestamp);
  const yOf = (p: Point) => (axis === 'step' ? p.timestamp : p.step);
  const inRange = points.map((p, i) => ({ p, i })).filter(({ p }) => xOf(p) >= lo && xOf(p) <= hi);
  inRange.sort((a, b) => xOf(a.p) - xOf(b.p) || yOf(a.p) - yOf(b.p) || a.i - b.i);
  const out = { x_axis: axis, total: inRange.length, exact: inRange.length <= n, x: [] as number[], min: [] as Array<number | null>, max: [] as Array<number | null>, last: [] as Array<number | null>, count: [] as number[] };
  if (inRange.length === 0) return out;
  if (out.exact) {
    for (const { p } of inRange) {
      const v = fin(num(p.value));
      out.x.push(xOf(p));
      out.min.push(v);
      out.max.push(v);
      out.last.push(v);
      out.count.push(1);
    }
    return out;
  }
  const x0 = xOf(inRange[0]!.p);
  const span = xOf(inRange[inRange.length - 1]!.p) - x0;
  const scale = span > 0 ? n / span : 0;
  const groups = new Map<number, Point[]>();
  for (const { p } of inRange) {
    const b = Math.min(n - 1, Math.floor((xOf(p) - x0) * scale));
    if (!groups.has(b)) groups.set(b, []);
    groups.get(b)!.push(p);
  }
  for (const b of [...groups.keys()].sort((a, c) => a - c)) {
    const g = groups.get(b)!;
    const finite = g.map((p) => num(p.value)).filter(Number.isFinite);
    const lastP = g[g.length - 1]!;
    out.x.push(xOf(lastP));
    out.min.push(finite.length ? Math.min(...finite) : null);
    out.max.push(finite.length ? Math.max(...finite) : null);
    out.last.push(fin(num(lastP.value)));
    out.count.push(g.length);
  }
  return out;
}

async function logAll(url: string, runId: string, points: Point[]): Promise<void> {
  for (let i = 0; i < points.length; i += 1000) {
    const r = await post(url, 'runs/log-batch', { run_id: runId, metrics: points.slice(i, i + 1000) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
}

async function downsample(url: string, query: Record<string, string | number>, prefix = '/api/2.0/lablog'): Promise<{ status: number; body: DownsampleReply & { error_code?: string; message?: string } }> {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await fetch(`${url}${prefix}/metrics/downsample?${qs}`);
  return { status: res.status, body: (await res.json()) as DownsampleReply & { error_code?: string } };
}

/**
 * Random points (steps mostly rising, some logged late, some repeated at one step and one
 * timestamp; NaN and ±Infinity), logged in 1000-point batches and in single points, reduced by the
 * endpoint and by the reference: the same answers, on every axis, bucket count and range.
 */
async function checkRandom(url: string): Promise<void> {
  const { runId } = await newRun(url, 'ds-random');
  const rand = rng(7);
  const points: Point[] = [];
  for (let i = 0; i < 5000; i++) {
    const r = rand();
    const value: Value = r < 0.01 ? 'NaN' : r < 0.015 ? 'Infinity' : r < 0.02 ? '-Infinity' : Math.round((rand() * 200 - 100) * 1e6) / 1e6;
    // steps mostly rising with some logged late and some repeated; timestamps jittered, some shared
    const step = rand() < 0.1 ? Math.floor(rand() * i) : i;
    const timestamp = rand() < 0.05 ? 1_700_000_000_000 : 1_700_000_000_000 + i * 10 + Math.floor(rand() * 30);
    points.push({ key: rand() < 0.5 ? 'a' : 'b', value, timestamp, step });
  }
  await logAll(url, runId, points.slice(0, 4000));
  for (const p of points.slice(4000)) assert.equal((await post(url, 'runs/log-batch', { run_id: runId, metrics: [p] })).status, 200);
  for (const key of ['a', 'b']) {
    const mine = points.filter((p) => p.key === key);
    for (const axis of ['step', 'time'] as const) {
      for (const buckets of [1, 7, 100, 999, 5000]) {
        const r = await downsample(url, { run_id: runId, metric_key: key, x_axis: axis, buckets });
        assert.equal(r.status, 200);
        assert.deepEqual(r.body, { metric_key: key, ...reference(mine, axis, buckets) }, `${key} ${axis} ${buckets}`);
        assert.ok(r.body.x.length <= buckets);
        assert.equal(r.body.count.reduce((a, b) => a + b, 0), mine.length);
      }
      const xs = mine.map((p) => (axis === 'step' ? p.step : p.timestamp)).sort((a, b) => a - b);
      const lo = xs[Math.floor(xs.length / 4)]!;
      const hi = xs[Math.floor((xs.length * 3) / 4)]!;
      const r = await downsample(url, { run_id: runId, metric_key: key, x_axis: axis, buckets: 50, x_min: lo, x_max: hi });
      assert.deepEqual(r.body, { metric_key: key, ...reference(mine, axis, 50, lo, hi) }, `${key} ${axis} range`);
    }
  }
}

describe('metric downsampling endpoint', () => {
  let agent: StartedAgent;
  before(async () => {
    agent = await startAgent();
  });
  after(() => agent.close());

  test('min, max, last and count per bucket equal a brute-force reduction of random data (steps out of order, repeats, NaN, ±Infinity)', () => checkRandom(agent.url));

  test('a range holding no more points than buckets comes back point by point (exact), defaulting to x by step and 1000 buckets', async () => {
    const { runId } = await newRun(agent.url, 'ds-exact');
    const points = Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), timestamp: 1_700_000_000_000 + i, step: i }));
    await logAll(agent.url, runId, points);
    const r = await downsample(agent.url, { run_id: runId, metric_key: 'loss' });
    assert.equal(r.status, 200);
    assert.equal(r.body.exact, true);
    assert.equal(r.body.x_axis, 'step');
    assert.equal(r.body.total, 1000);
    assert.deepEqual(r.body.x, points.map((p) => p.step));
    assert.deepEqual(r.body.last, points.map((p) => p.value));
    assert.deepEqual(r.body.min, r.body.last);
    assert.deepEqual(r.body.max, r.body.last);
    assert.ok(r.body.count.every((c) => c === 1));
    // one more point than buckets: reduced
    const fewer = await downsample(agent.url, { run_id: runId, metric_key: 'loss', buckets: 999 });
    assert.equal(fewer.body.exact, false);
    assert.ok(fewer.body.x.length <= 999);
  });

  test('x_min and x_max are inclusive, on steps and on timestamps; a narrower range gives finer buckets down to the raw points', async () => {
    const { runId } = await newRun(agent.url, 'ds-range');
    const points = Array.from({ length: 10_000 }, (_, i) => ({ key: 'm', value: Math.sin(i / 50), timestamp: 1_700_000_000_000 + i * 100, step: i }));
    await logAll(agent.url, runId, points);
    const steps = await downsample(agent.url, { run_id: runId, metric_key: 'm', x_min: 100, x_max: 200 });
    assert.equal(steps.body.exact, true);
    assert.equal(steps.body.total, 101);
    assert.equal(steps.body.x[0], 100);
    assert.equal(steps.body.x.at(-1), 200);
    const time = await downsample(agent.url, { run_id: runId, metric_key: 'm', x_axis: 'time', x_min: 1_700_000_000_000 + 100 * 100, x_max: 1_700_000_000_000 + 200 * 100 });
    assert.equal(time.body.x_axis, 'time');
    assert.equal(time.body.total, 101);
    assert.equal(time.body.x[0], 1_700_000_000_000 + 100 * 100);
    const whole = await downsample(agent.url, { run_id: runId, metric_key: 'm', buckets: 100 });
    assert.equal(whole.body.total, 10_000);
    assert.equal(whole.body.x.length, 100);
    assert.equal(whole.body.count[0], 100);
    // the bucket's x is its last point's, and min/max bound every value in it
    assert.equal(whole.body.x[0], 99);
    assert.equal(whole.body.max[0], Math.max(...points.slice(0, 100).map((p) => p.value)));
    const none = await downsample(agent.url, { run_id: runId, metric_key: 'm', x_min: 20_000 });
    assert.deepEqual(none.body, { metric_key: 'm', x_axis: 'step', total: 0, exact: true, x: [], min: [], max: [], last: [], count: [] });
  });

  test('NaN and ±Infinity read null and take no part in min/max, but count', async () => {
    const { runId } = await newRun(agent.url, 'ds-nonfinite');
    const values: Value[] = ['NaN', 2, 'Infinity', -3, '-Infinity', 'NaN', 'NaN', 'NaN'];
    await logAll(agent.url, runId, values.map((value, i) => ({ key: 'v', value, timestamp: 1000 + i, step: i })));
    const exact = await downsample(agent.url, { run_id: runId, metric_key: 'v' });
    assert.deepEqual(exact.body.last, [null, 2, null, -3, null, null, null, null]);
    const two = await downsample(agent.url, { run_id: runId, metric_key: 'v', buckets: 2 });
    // steps 0..7 over 2 buckets: 0-3 and 4-7
    assert.deepEqual(two.body.count, [4, 4]);
    assert.deepEqual(two.body.min, [-3, null]);
    assert.deepEqual(two.body.max, [2, null]);
    assert.deepEqual(two.body.last, [-3, null]);
    assert.deepEqual(two.body.x, [3, 7]);
  });

  test('points logged after a read are in the next one', async () => {
    const { runId } = await newRun(agent.url, 'ds-live');
    await logAll(agent.url, runId, Array.from({ length: 3000 }, (_, i) => ({ key: 'm', value: i, timestamp: 1000 + i, step: i })));
    const first = await downsample(agent.url, { run_id: runId, metric_key: 'm', buckets: 10 });
    assert.equal(first.body.total, 3000);
    await logAll(agent.url, runId, Array.from({ length: 500 }, (_, i) => ({ key: 'm', value: 3000 + i, timestamp: 4000 + i, step: 3000 + i })));
    await logAll(agent.url, runId, [{ key: 'new', value: 1, timestamp: 1, step: 0 }]);
    const second = await downsample(agent.url, { run_id: runId, metric_key: 'm', buckets: 10 });
    assert.equal(second.body.total, 3500);
    assert.equal(second.body.x.at(-1), 3499);
    assert.equal(second.body.max.at(-1), 3499);
    assert.equal((await downsample(agent.url, { run_id: runId, metric_key: 'new' })).body.total, 1);
  });

  test('a metric the run does not have is empty; the endpoint is also under /ajax-api and a notebook session prefix', async () => {
    const { runId } = await newRun(agent.url, 'ds-empty');
    const r = await downsample(agent.url, { run_id: runId, metric_key: 'never' }, '/ajax-api/2.0/lablog');
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 0);
    await logAll(agent.url, runId, [{ key: 'm', value: 1, timestamp: 1, step: 0 }]);
    const nb = await downsample(agent.url, { run_id: runId, metric_key: 'm' }, '/nb/session-1/api/2.0/lablog');
    assert.equal(nb.status, 200);
    assert.equal(nb.body.total, 1);
  });

  test('an unknown run is 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const r = await downsample(agent.url, { run_id: 'f'.repeat(32), metric_key: 'm' });
    assert.equal(r.status, 404);
    assert.equal(r.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('bad parameters are 400 INVALID_PARAMETER_VALUE', async () => {
    const { runId } = await newRun(agent.url, 'ds-bad');
    const bad: Array<Record<string, string | number>> = [
      { metric_key: 'm' },
      { run_id: runId },
      { run_id: runId, metric_key: 'm', buckets: 0 },
      { run_id: runId, metric_key: 'm', buckets: 20_001 },
      { run_id: runId, metric_key: 'm', buckets: 'many' },
      { run_id: runId, metric_key: 'm', buckets: 2.5 },
      { run_id: runId, metric_key: 'm', x_axis: 'epoch' },
      { run_id: runId, metric_key: 'm', x_min: 'low' },
      { run_id: runId, metric_key: 'm', x_min: 10, x_max: 5 },
    ];
    for (const q of bad) {
      const r = await downsample(agent.url, q);
      assert.equal(r.status, 400, JSON.stringify(q));
      assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE', JSON.stringify(q));
      assert.equal(typeof r.body.message, 'string');
    }
  });

  test('after a restart the history is read back from the file and gives the same answers, and follows new points', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lablog-ds-restart-'));
    try {
      const rand = rng(11);
      const points: Point[] = [];
      for (let i = 0; i < 20_000; i++) {
        const r = rand();
        const value: Value = r < 0.01 ? 'NaN' : r < 0.012 ? 'Infinity' : Math.round(rand() * 1e9) / 1e6;
        points.push({ key: i % 3 ? 'loss' : 'acc', value, timestamp: 1_700_000_000_000 + i * 7, step: i });
      }
      const queries: Array<Record<string, string | number>> = [{ buckets: 500 }, { buckets: 20_000 }, { x_axis: 'time', buckets: 37 }, { x_min: 5000, x_max: 5999 }];
      const ask = async (url: string, runId: string, key: string) =>
        Promise.all(queries.map(async (q) => (await downsample(url, { run_id: runId, metric_key: key, ...q })).body));
      const first = await createAgent({ store });
      const url1 = await first.listen(0);
      const { runId } = await newRun(url1, 'ds-restart');
      // batches sent 4 at a time land out of order: the x order is not the logging order
      const chunks = Array.from({ length: points.length / 500 }, (_, c) => points.slice(c * 500, c * 500 + 500));
      for (let c = 0; c < chunks.length; c += 4) {
        await Promise.all(chunks.slice(c, c + 4).map((chunk) => post(url1, 'runs/log-batch', { run_id: runId, metrics: chunk })));
      }
      const live = { loss: await ask(url1, runId, 'loss'), acc: await ask(url1, runId, 'acc') };
      await first.close();

      const second = await createAgent({ store });
      try {
        const url2 = await second.listen(0);
        for (const key of ['loss', 'acc'] as const) {
          assert.deepEqual(await ask(url2, runId, key), live[key], `${key} read back`);
          const mine = points.filter((p) => p.key === key);
          assert.deepEqual(live[key][0], { metric_key: key, ...reference(mine, 'step', 500) });
        }
        const more = Array.from({ length: 3000 }, (_, i) => ({ key: 'loss', value: i, timestamp: 1_800_000_000_000 + i, step: 20_000 + i }));
        await logAll(url2, runId, more);
        const all = [...points, ...more].filter((p) => p.key === 'loss');
        const r = await downsample(url2, { run_id: runId, metric_key: 'loss', buckets: 100 });
        assert.deepEqual(r.body, { metric_key: 'loss', ...reference(all, 'step', 100) });
      } finally {
        await second.close();
      }
    } finally {
      await rm(store, { recursive: true, force: true });
    }
  });
});

describe('metric downsampling endpoint on PostgreSQL (points kept in chunks)', async () => {
  const skip = await engineMissing('postgresql');
  let pgAgent: EngineAgent;
  before(async () => {
    if (!skip) pgAgent = await startEngineAgent('postgresql');
  });
  after(() => pgAgent?.close());

  test('the same answers as the reference on random data, out-of-order batches merged into the chunks they fall among', { skip }, () => checkRandom(pgAgent.url));
});

describe('metric downsampling endpoint on PostgreSQL past the column cache (the chunks in range read each time)', async () => {
  const skip = await engineMissing('postgresql');
  let pgAgent: EngineAgent;
  before(async () => {
    if (skip) return;
    pgAgent = await pgAgentWithoutColumnCache();
  });
  after(() => pgAgent?.close());

  test('the same answers as the reference on random data', { skip }, () => checkRandom(pgAgent.url));
});
