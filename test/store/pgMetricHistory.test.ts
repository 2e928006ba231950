/**
 * A metric's history on PostgreSQL, where points are kept in chunks: whatever shape the batches
 * take — single points, batches larger than a chunk, batches landing among points already stored,
 * repeats at one step and timestamp, NaN and ±Infinity — get-history returns every point once, in
 * the store's order (step, then timestamp, then logging order), page by page as in one read; a
 * metric logged a point at a time is kept in a few hundred-point chunks, not a row per point.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';
import { get, newRun, post } from '../support/mlflowHttp.js';
import { pgAgentWithoutColumnCache, rng, type Point, type Value } from '../support/metricPoints.js';

/** Every point of a metric, `pageSize` a page. */
async function pagedHistory(url: string, runId: string, key: string, pageSize: number): Promise<Point[]> {
  const out: Point[] = [];
  let token: string | undefined;
  do {
    const r = await get<{ metrics?: Point[]; next_page_token?: string }>(url, 'metrics/get-history', { run_id: runId, metric_key: key, max_results: pageSize, ...(token ? { page_token: token } : {}) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    out.push(...(r.body.metrics ?? []));
    token = r.body.next_page_token;
  } while (token);
  return out;
}

/** The points in the store's order: a stable sort of the logging order by (step, timestamp). */
const inStoreOrder = (points: readonly Point[]) => [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);

/**
 * Single points, full batches (the last first), a batch among all of them (merged into more than
 * a chunk holds), batches landing among stored points, repeats of one step and timestamp: the
 * history is every point once in the store's order, whole and in pages of every size.
 */
async function checkOrder(url: string): Promise<void> {
  const logged = async (runId: string, metrics: Point[]) => assert.equal((await post(url, 'runs/log-batch', { run_id: runId, metrics })).status, 200);
  const { runId } = await newRun(url, 'chunks-order');
  const rand = rng(11);
  const points: Point[] = [];
  const point = (step: number, timestamp: number): Point => {
    const r = rand();
    const value: Value = r < 0.02 ? 'NaN' : r < 0.03 ? 'Infinity' : r < 0.04 ? '-Infinity' : Math.round(rand() * 1e6) / 1e3;
    return { key: 'm', value, timestamp, step };
  };
  // in order, a point at a time; then full batches, the last first; then one falling among all
  // of them (merged with them into more than a chunk holds); then batches among them
  const single = Array.from({ length: 300 }, (_, i) => point(i, 1000 + i));
  for (const p of single) await logged(runId, [p]);
  const big = Array.from({ length: 5000 }, (_, i) => point(300 + i, 2000 + i));
  for (let b = 4; b >= 0; b--) await logged(runId, big.slice(b * 1000, (b + 1) * 1000));
  const across = [350, 1350, 2350, 3350, 4350].map((step) => point(step, 2000 + step));
  await logged(runId, across);
  const late: Point[] = [];
  for (let b = 0; b < 40; b++) {
    const batch = Array.from({ length: 25 }, () => point(Math.floor(rand() * 5400), rand() < 0.3 ? 1500 : 1000 + Math.floor(rand() * 6000)));
    late.push(...batch);
    await logged(runId, batch);
  }
  // repeats of one step and timestamp, across batches and within one
  const repeats = [point(42, 1042), point(42, 1042), point(42, 1042)];
  await logged(runId, repeats.slice(0, 2));
  await logged(runId, repeats.slice(2));
  points.push(...single, ...big, ...across, ...late, ...repeats);

  const expected = inStoreOrder(points);
  const whole = await pagedHistory(url, runId, 'm', 25_000);
  assert.equal(whole.length, points.length);
  assert.deepEqual(whole, expected);
  for (const size of [1, 97, 4096]) {
    if (size === 1) {
      // one point a page is slow over 6,000 points: the first 300 are enough
      const r = await get<{ metrics: Point[]; next_page_token?: string }>(url, 'metrics/get-history', { run_id: runId, metric_key: 'm', max_results: 1 });
      assert.deepEqual(r.body.metrics, expected.slice(0, 1));
      continue;
    }
    assert.deepEqual(await pagedHistory(url, runId, 'm', size), expected, `pages of ${size}`);
  }
}

describe('metric history on PostgreSQL (points kept in chunks)', async () => {
  const skip = await engineMissing('postgresql');
  let a: EngineAgent;
  before(async () => {
    if (!skip) a = await startEngineAgent('postgresql');
  });
  after(() => a?.close());

  const logged = async (runId: string, metrics: Point[]) => assert.equal((await post(a.url, 'runs/log-batch', { run_id: runId, metrics })).status, 200);

  test('every point once, in step, timestamp and logging order, whatever the batches; pages add up to the whole', { skip }, () => checkOrder(a.url));

  test('a metric logged a point at a time is kept in chunks of a few hundred, not a row per point', { skip }, async () => {
    const { runId } = await newRun(a.url, 'chunks-appends');
    const points = Array.from({ length: 600 }, (_, i): Point => ({ key: 'loss', value: 1 / (i + 1), timestamp: 5000 + i, step: i }));
    for (const p of points) await logged(runId, [p]);
    assert.deepEqual(await pagedHistory(a.url, runId, 'loss', 25_000), points);
    const c = new pg.Client({ connectionString: a.store });
    await c.connect();
    try {
      const { rows } = await c.query<{ chunks: string }>("SELECT count(*) AS chunks FROM metric_chunks c JOIN runs r ON r.rid = c.rid WHERE r.run_id = $1 AND c.key = 'loss'", [runId]);
      assert.ok(Number(rows[0]!.chunks) <= 3, `${rows[0]!.chunks} chunks for 600 points`);
    } finally {
      await c.end();
    }
  });
});

describe('metric history on PostgreSQL past the column cache (a page reads the chunks it meets)', async () => {
  const skip = await engineMissing('postgresql');
  let a: EngineAgent;
  before(async () => {
    if (skip) return;
    a = await pgAgentWithoutColumnCache();
  });
  after(() => a?.close());

  test('every point once, in step, timestamp and logging order, whatever the batches; pages add up to the whole', { skip }, () => checkOrder(a.url));
});

describe('metric reads on PostgreSQL with two agents (columns kept in memory)', async () => {
  const skip = await engineMissing('postgresql');
  let a: EngineAgent;
  let b: EngineAgent;
  before(async () => {
    if (skip) return;
    a = await startEngineAgent('postgresql');
    b = await startEngineAgent('postgresql', {}, a.store);
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  test('a history or downsample read on agent A after agent B wrote includes what B wrote', { skip }, async () => {
    const { runId } = await newRun(b.url, 'cached');
    const batch = (from: number, n: number) => Array.from({ length: n }, (_, i): Point => ({ key: 'y', value: from + i, timestamp: 1000 + from + i, step: from + i }));
    const downsampled = async () => (await (await fetch(`${a.url}/api/2.0/lablog/metrics/downsample?run_id=${runId}&metric_key=y&buckets=10`)).json()) as { total: number; x: number[] };
    assert.equal((await post(b.url, 'runs/log-batch', { run_id: runId, metrics: batch(0, 500) })).status, 200);
    assert.equal((await pagedHistory(a.url, runId, 'y', 300)).length, 500);
    assert.equal((await downsampled()).total, 500);
    // one point appended to the last chunk, then a batch landing among the stored points
    assert.equal((await post(b.url, 'runs/log-batch', { run_id: runId, metrics: batch(500, 1) })).status, 200);
    assert.deepEqual((await pagedHistory(a.url, runId, 'y', 300)).map((p) => p.step), Array.from({ length: 501 }, (_, i) => i));
    assert.equal((await post(b.url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'y', value: -1, timestamp: 999, step: 250 }] })).status, 200);
    const h = await pagedHistory(a.url, runId, 'y', 300);
    assert.equal(h.length, 502);
    assert.deepEqual(h[250], { key: 'y', value: -1, timestamp: 999, step: 250 });
    const d = await downsampled();
    assert.equal(d.total, 502);
    assert.equal(d.x.at(-1), 500);
  });
});
