/**
 * Min/max/last per x bucket of one metric (the reply of `GET /api/2.0/lablog/metrics/downsample`).
 * Buckets split the x extent of the points in range into equal widths; a bucket's `x` is the
 * x of its last point (the greatest x; among equal x, the one logged last) and `last` is that
 * point's value. Values that are not finite count but take no part in min/max and read `null`.
 * When the range holds no more points than buckets, every point comes back as it is (`exact`).
 */
import type { DownsampleReply } from '@lablog/schema';
import type { MetricColumn } from './MetricColumn.js';

/** What to reduce: the axis, how many buckets at most, and an optional x range (inclusive). */
export interface DownsampleSpec {
  axis: 'step' | 'time';
  buckets: number;
  xMin?: number | undefined;
  xMax?: number | undefined;
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** First position k in [0, n) whose x (through `order`, when given) is ≥ v (or > v when `after`). */
function bound(x: Float64Array, order: Uint32Array | null, n: number, v: number, after: boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const xm = x[order ? order[mid]! : mid]!;
    if (after ? xm <= v : xm < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function emptyReply(key: string, axis: 'step' | 'time'): DownsampleReply {
  return { metric_key: key, x_axis: axis, total: 0, exact: true, x: [], min: [], max: [], last: [], count: [] };
}

/** Reduces a metric's columns (absent: no points) to at most `spec.buckets` entries. */
export function downsample(key: string, col: MetricColumn | undefined, spec: DownsampleSpec): DownsampleReply {
  if (!col || col.length === 0) return emptyReply(key, spec.axis);
  // positions [from, to) in x order (through `order` when the points were not logged in x order)
  const { x, order } = col.xs(spec.axis);
  const from = bound(x, order, col.length, spec.xMin ?? -Infinity, false);
  const to = bound(x, order, col.length, spec.xMax ?? Infinity, true);
  if (to <= from) return emptyReply(key, spec.axis);
  const r = { x, v: col.value, order, from, to };
  return to - from <= spec.buckets ? exact(key, spec.axis, r) : buckets(key, spec.axis, spec.buckets, r);
}

/** The points to reduce: positions [from, to) in x order. */
interface Range {
  x: Float64Array;
  v: Float64Array;
  order: Uint32Array | null;
  from: number;
  to: number;
}

function exact(key: string, axis: 'step' | 'time', { x, v, order, from, to }: Range): DownsampleReply {
  const out: DownsampleReply = { metric_key: key, x_axis: axis, total: to - from, exact: true, x: [], min: [], max: [], last: [], count: [] };
  for (let k = from; k < to; k++) {
    const i = order ? order[k]! : k;
    const val = finite(v[i]!);
    out.x.push(x[i]!);
    out.min.push(val);
    out.max.push(val);
    out.last.push(val);
    out.count.push(1);
  }
  return out;
}

function buckets(key: string, axis: 'step' | 'time', n: number, { x, v, order, from, to }: Range): DownsampleReply {
  const out: DownsampleReply = { metric_key: key, x_axis: axis, total: to - from, exact: false, x: [], min: [], max: [], last: [], count: [] };
  const x0 = x[order ? order[from]! : from]!;
  const span = x[order ? order[to - 1]! : to - 1]! - x0;
  const scale = span > 0 ? n / span : 0;
  const top = n - 1;
  // points come in x order, so each bucket is complete when the next one starts
  let bucket = 0;
  let mn = Infinity;
  let mx = -Infinity;
  let count = 0;
  let last = order ? order[from]! : from;
  for (let k = from; k < to; k++) {
    const i = order ? order[k]! : k;
    const b = Math.min(top, Math.floor((x[i]! - x0) * scale));
    if (b !== bucket) {
      push(out, x[last]!, mn, mx, v[last]!, count);
      bucket = b;
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
    last = i;
  }
  push(out, x[last]!, mn, mx, v[last]!, count);
  return out;
}

function push(out: DownsampleReply, x: number, mn: number, mx: number, last: number, count: number): void {
  out.x.push(x);
  out.min.push(mn === Infinity ? null : mn);
  out.max.push(mx === -Infinity ? null : mx);
  out.last.push(finite(last));
  out.count.push(count);
}
