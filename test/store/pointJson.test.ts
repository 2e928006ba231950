/**
 * Metric points are written into bytes by hand (PointJsonWriter): the metric log's lines and
 * get-history's pages must be exactly the bytes JSON.stringify makes of the same points, with
 * MLflow's strings for values that are not finite — over random points of every kind of number
 * a point can hold.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { metricsPageJson as Page } from '../../agent/src/mlflow/metricsPageJson.js';
import type { pointLines as Lines, writePointJson as Write } from '../../agent/src/store/PointJson.js';

// Not part of the package's exports: loaded from its build, as the agent runs it.
const agentDist = join(dirname(createRequire(import.meta.url).resolve('lablog/package.json')), 'dist');
const { metricsPageJson } = (await import(join(agentDist, 'mlflow', 'metricsPageJson.js'))) as { metricsPageJson: typeof Page };
const { pointLines, writePointJson } = (await import(join(agentDist, 'store', 'PointJson.js'))) as { pointLines: typeof Lines; writePointJson: typeof Write };

type Point = { key: string; value: number; timestamp: number; step: number };

/** What MLflow's JSON holds for a value: the number, or its string when not finite. */
const wire = (v: number) => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
const wireOf = (p: Point) => ({ key: p.key, value: wire(p.value), timestamp: p.timestamp, step: p.step });
const expected = (points: Point[], token?: string) => JSON.stringify({ metrics: points.map(wireOf), ...(token === undefined ? {} : { next_page_token: token }) });
const expectedLines = (points: Point[]) => points.map((p) => `${JSON.stringify(wireOf(p))}\n`).join('');

// a small seeded generator: a failure can be run again
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const SPECIAL = [0, -0, 1, -1, 9, 10, 99_999_999, 100_000_000, 100_000_001, 1e15, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e300, -1e-7, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1, 1 / 3, 1700000000123];
const NON_FINITE = [NaN, Infinity, -Infinity];

/** Any number: special ones, integers of every width, both signs, fractions, any exponent. */
function anyNumber(nonFinite: boolean): number {
  const r = rnd();
  if (nonFinite && r < 0.05) return pick(NON_FINITE);
  if (r < 0.25) return pick(SPECIAL);
  const sign = rnd() < 0.3 ? -1 : 1;
  if (r < 0.6) return sign * Math.floor(rnd() * 10 ** Math.floor(rnd() * 17));
  if (r < 0.8) return sign * rnd() * 10 ** Math.floor(rnd() * 40 - 20);
  return sign * rnd() * 10 ** Math.floor(rnd() * 600 - 300);
}

const KEYS = ['loss', 'a/b c.d-e_f', 'Ünïcødé ✓', 'quote " back \\ slash', 'x'.repeat(250)];

test('a page, and the metric log lines, of any numbers are byte for byte what JSON.stringify writes', () => {
  for (let round = 0; round < 300; round++) {
    const key = pick(KEYS);
    const points: Point[] = Array.from({ length: Math.floor(rnd() * 200) }, () => ({ key, value: anyNumber(true), timestamp: anyNumber(false), step: anyNumber(false) }));
    const token = rnd() < 0.5 ? undefined : `tok${round}`;
    assert.equal(metricsPageJson(points, token).toString('utf8'), expected(points, token), `page, round ${round}`);
    assert.equal(pointLines(points), expectedLines(points), `lines, round ${round}`);
  }
});

test('a full page, an empty page, and points of several keys', () => {
  const full: Point[] = Array.from({ length: 25_000 }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), timestamp: 1_700_000_000_000 + i, step: i }));
  assert.equal(metricsPageJson(full, 'next').toString(), expected(full, 'next'));
  assert.equal(metricsPageJson([]).toString(), '{"metrics":[]}');
  const mixed: Point[] = KEYS.flatMap((key, i) => [{ key, value: i, timestamp: i, step: -i }]);
  assert.equal(metricsPageJson(mixed).toString(), expected(mixed));
  assert.equal(pointLines(mixed), expectedLines(mixed));
  assert.equal(pointLines([]), '');
});

test('writes share one buffer: a write inside another, or after one that threw, is still exact', () => {
  const a: Point[] = Array.from({ length: 3000 }, (_, i) => ({ key: 'a', value: i / 7, timestamp: i, step: i }));
  const b: Point[] = Array.from({ length: 5000 }, (_, i) => ({ key: 'b', value: -i, timestamp: 2 * i, step: 3 * i }));
  let inner: string | undefined;
  const outer = writePointJson(a.length, 'a', (w) => {
    w.point(a[0]!);
    inner = pointLines(b); // the shared buffer is taken: this one writes into its own
    for (const p of a.slice(1)) w.point(p);
  });
  assert.equal(inner, expectedLines(b));
  assert.equal(outer.toString(), a.map((p) => JSON.stringify(wireOf(p))).join(''));
  assert.throws(() =>
    writePointJson(10, 'a', (w) => {
      w.point(a[0]!);
      throw new Error('stop');
    }),
  );
  assert.equal(pointLines(b), expectedLines(b));
  // a result is a buffer of its own: the next write does not change it
  const first = metricsPageJson(a);
  metricsPageJson(b);
  assert.equal(first.toString(), expected(a));
});
