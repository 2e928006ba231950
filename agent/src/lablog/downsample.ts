/**
 * Min/max/last per x bucket of one metric (the reply of `GET /api/2.0/lablog/metrics/downsample`),
 * by the shared rule (downsampleBuckets in @lablog/schema): equal-width buckets over the x extent
 * of the points in range; a bucket's `x` and `last` are its latest point's (greatest x, then the
 * other coordinate, then logged later). Values that are not finite count but take no part in
 * min/max and read `null`. When the range holds no more points than buckets, every point comes
 * back as it is (`exact`), ordered by the same rule. Both engines reduce with this function: the
 * file engine its columns in logging order, PostgreSQL its chunks in (step, timestamp, logging)
 * order — logging order only breaks ties, so the replies are the same.
 *
 * Points logged in x order (the usual case) are found by binary search and reduced in one
 * pass over the range; points that are not (batches of parallel writers landing out of order)
 * are reduced in one pass over the whole column into per-bucket slots — the column is never sorted.
 */
import { bucketOf, bucketScale, laterInBucket, type DownsampleReply } from '@lablog/schema';
import type { MetricColumn } from './MetricColumn.js';

/** What to reduce: the axis, how many buckets at most, and an optional x range (inclusive). */
export interface DownsampleSpec {
  axis: 'step' | 'time';
  buckets: number;
  xMin?: number | undefined;
  xMax?: number | undefined;
}

type Axis = DownsampleSpec['axis'];

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** First index of sorted `x[0, n)` whose value is ≥ v (or > v when `after`). */
function bound(x: Float64Array, n: number, v: number, after: boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after ? x[mid]! <= v : x[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function reply(key: string, axis: Axis, total: number, exact: boolean): DownsampleReply {
  return { metric_key: key, x_axis: axis, total, exact, x: [], min: [], max: [], last: [], count: [] };
}

function push(out: DownsampleReply, x: number, mn: number, mx: number, last: number, count: number): void {
  out.x.push(x);
  out.min.push(mn === Infinity ? null : mn);
  out.max.push(mx === -Infinity ? null : mx);
  out.last.push(finite(last));
  out.count.push(count);
}

/** Reduces a metric's columns (absent: no points) to at most `spec.buckets` entries. */
export function downsample(key: string, col: MetricColumn | undefined, spec: DownsampleSpec): DownsampleReply {
  if (!col || col.length === 0) return reply(key, spec.axis, 0, true);
  const { x, sorted, y } = col.xs(spec.axis);
  const lo = spec.xMin ?? -Infinity;
  const hi = spec.xMax ?? Infinity;
  if (!sorted) return unsorted(key, spec, x, y, col.value, col.length, lo, hi);
  const from = bound(x, col.length, lo, false);
  const to = bound(x, col.length, hi, true);
  if (to <= from) return reply(key, spec.axis, 0, true);
  if (to - from > spec.buckets) return sortedBuckets(key, spec, x, y, col.value, from, to);
  return exact(key, spec.axis, x, y, col.value, Array.from({ length: to - from }, (_, k) => from + k));
}

/** The latest of points [from, to) (x in order): among the last ones of equal x, by the rule. */
function latestOf(x: Float64Array, y: Float64Array, from: number, to: number): number {
  let best = to - 1;
  for (let k = to - 2; k >= from && x[k] === x[to - 1]; k--) if (!laterInBucket(x[best]!, y[best]!, x[k]!, y[k]!)) best = k;
  return best;
}

/** Every point of `picked` (indices in logging order), each as its own entry, earliest first by the rule. */
function exact(key: string, axis: Axis, x: Float64Array, y: Float64Array, v: Float64Array, picked: number[]): DownsampleReply {
  picked.sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]! || a - b);
  const out = reply(key, axis, picked.length, true);
  for (const i of picked) {
    const val = v[i]!;
    push(out, x[i]!, val, val, val, 1);
  }
  return out;
}

/** Points [from, to) in x order: each bucket is complete when the next one starts. */
function sortedBuckets(key: string, spec: DownsampleSpec, x: Float64Array, y: Float64Array, v: Float64Array, from: number, to: number): DownsampleReply {
  const n = spec.buckets;
  const out = reply(key, spec.axis, to - from, false);
  const x0 = x[from]!;
  const scale = bucketScale(x0, x[to - 1]!, n);
  let bucket = 0;
  let start = from;
  let mn = Infinity;
  let mx = -Infinity;
  let count = 0;
  for (let i = from; i < to; i++) {
    const b = bucketOf(x[i]!, x0, scale, n);
    if (b !== bucket) {
      const l = latestOf(x, y, start, i);
      push(out, x[l]!, mn, mx, v[l]!, count);
      bucket = b;
      start = i;
      mn = Infinity;
      mx = -Infinity;
      count = 0;
    }
    const val = v[i]!;
    if (val - val === 0) {
      // finite: NaN and ±Infinity give NaN here and take no part in min/max
      if (val < mn) mn = val;
      if (val > mx) mx = val;
    }
    count++;
  }
  const l = latestOf(x, y, start, to);
  push(out, x[l]!, mn, mx, v[l]!, count);
  return out;
}

/** Points not in x order: a pass for the range's extent, then one into per-bucket slots. */
function unsorted(key: string, spec: DownsampleSpec, x: Float64Array, y: Float64Array, v: Float64Array, len: number, lo: number, hi: number): DownsampleReply {
  let total = 0;
  let x0 = Infinity;
  let x1 = -Infinity;
  for (let i = 0; i < len; i++) {
    const xi = x[i]!;
    if (xi < lo || xi > hi) continue;
    total++;
    if (xi < x0) x0 = xi;
    if (xi > x1) x1 = xi;
  }
  if (total === 0) return reply(key, spec.axis, 0, true);
  if (total <= spec.buckets) {
    const picked: number[] = [];
    for (let i = 0; i < len; i++) if (x[i]! >= lo && x[i]! <= hi) picked.push(i);
    return exact(key, spec.axis, x, y, v, picked);
  }
  const n = spec.buckets;
  const scale = bucketScale(x0, x1, n);
  const mn = new Float64Array(n).fill(Infinity);
  const mx = new Float64Array(n).fill(-Infinity);
  const count = new Float64Array(n);
  const last = new Int32Array(n).fill(-1);
  for (let i = 0; i < len; i++) {
    const xi = x[i]!;
    if (xi < lo || xi > hi) continue;
    const b = bucketOf(xi, x0, scale, n);
    count[b]!++;
    const val = v[i]!;
    if (val - val === 0) {
      if (val < mn[b]!) mn[b] = val;
      if (val > mx[b]!) mx[b] = val;
    }
    // i only grows: on a tie of both coordinates the later logged wins
    const l = last[b]!;
    if (l < 0 || laterInBucket(xi, y[i]!, x[l]!, y[l]!)) last[b] = i;
  }
  const out = reply(key, spec.axis, total, false);
  for (let b = 0; b < n; b++) {
    const l = last[b]!;
    if (l >= 0) push(out, x[l]!, mn[b]!, mx[b]!, v[l]!, count[b]!);
  }
  return out;
}
