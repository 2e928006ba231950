/**
 * The points one chart draws for one run, as parallel arrays in x order: each entry is a point
 * or a bucket of points (min, max, last, count) as the agent's downsampling returns them. Live
 * points are appended; past a limit the buffer reduces itself into buckets again, so a run that
 * logs for hours holds a bounded number of entries.
 */
import { bucketOf, bucketScale, type DownsampleReply } from '@lablog/schema';

/** One run's entries for one metric. */
export class SeriesBuffer {
  x: number[] = [];
  min: Array<number | null> = [];
  max: Array<number | null> = [];
  last: Array<number | null> = [];
  count: number[] = [];
  /** Points the entries stand for. */
  points = 0;

  /** A buffer holding an agent reply. */
  static fromReply(r: DownsampleReply): SeriesBuffer {
    const b = new SeriesBuffer();
    b.x = r.x.slice();
    b.min = r.min.slice();
    b.max = r.max.slice();
    b.last = r.last.slice();
    b.count = r.count.slice();
    b.points = r.total;
    return b;
  }

  /** Entries held. */
  get length(): number {
    return this.x.length;
  }

  /** The greatest x held, or -Infinity when empty. */
  get lastX(): number {
    return this.x.length ? this.x[this.x.length - 1]! : -Infinity;
  }

  /** Whether some entry stands for several points (then a min/max band is worth drawing). */
  get reduced(): boolean {
    return this.points > this.x.length;
  }

  /** Drops the entries past `x` (they are about to be read again). */
  dropAfter(x: number): void {
    let n = this.x.length;
    while (n > 0 && this.x[n - 1]! > x) {
      n--;
      this.points -= this.count[n]!;
    }
    this.x.length = this.min.length = this.max.length = this.last.length = this.count.length = n;
  }

  /** Adds the entries of a reply that lie past `after` (a tail read after the first one). */
  appendReply(r: DownsampleReply, after: number): void {
    for (let i = 0; i < r.x.length; i++) {
      if (r.x[i]! <= after) continue;
      this.x.push(r.x[i]!);
      this.min.push(r.min[i]!);
      this.max.push(r.max[i]!);
      this.last.push(r.last[i]!);
      this.count.push(r.count[i]!);
      this.points += r.count[i]!;
    }
  }

  /** Adds one point, keeping x order (a point logged late is put in its place). */
  append(x: number, value: number): void {
    const v = Number.isFinite(value) ? value : null;
    let i = this.x.length;
    if (i > 0 && x < this.x[i - 1]!) {
      // rare: a step logged out of order; insert after any equal x
      let lo = 0;
      while (lo < i) {
        const mid = (lo + i) >>> 1;
        if (this.x[mid]! <= x) lo = mid + 1;
        else i = mid;
      }
      this.x.splice(i, 0, x);
      this.min.splice(i, 0, v);
      this.max.splice(i, 0, v);
      this.last.splice(i, 0, v);
      this.count.splice(i, 0, 1);
    } else {
      this.x.push(x);
      this.min.push(v);
      this.max.push(v);
      this.last.push(v);
      this.count.push(1);
    }
    this.points++;
  }

  /**
   * Merges entries into at most `buckets` equal-width x buckets (min of mins, max of maxes,
   * the last entry's last value and x), as the agent would have reduced the same points.
   */
  reduce(buckets: number): void {
    const n = this.x.length;
    if (n <= buckets) return;
    const x0 = this.x[0]!;
    const scale = bucketScale(x0, this.x[n - 1]!, buckets);
    const out = new SeriesBuffer();
    out.points = this.points;
    let bucket = -1;
    for (let i = 0; i < n; i++) {
      const b = bucketOf(this.x[i]!, x0, scale, buckets);
      const mn = this.min[i]!;
      const mx = this.max[i]!;
      if (b !== bucket) {
        bucket = b;
        out.x.push(this.x[i]!);
        out.min.push(mn);
        out.max.push(mx);
        out.last.push(this.last[i]!);
        out.count.push(this.count[i]!);
        continue;
      }
      const k = out.x.length - 1;
      out.x[k] = this.x[i]!;
      out.last[k] = this.last[i]!;
      out.count[k]! += this.count[i]!;
      if (mn !== null && (out.min[k] === null || mn < out.min[k]!)) out.min[k] = mn;
      if (mx !== null && (out.max[k] === null || mx > out.max[k]!)) out.max[k] = mx;
    }
    this.x = out.x;
    this.min = out.min;
    this.max = out.max;
    this.last = out.last;
    this.count = out.count;
  }

  /** Index of the entry nearest to `x` (-1 when empty). */
  nearest(x: number): number {
    const n = this.x.length;
    if (n === 0) return -1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.x[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && Math.abs(this.x[lo - 1]! - x) <= Math.abs(this.x[lo]! - x)) return lo - 1;
    return lo;
  }
}
