/**
 * The downsample rule (`GET /api/2.0/lablog/metrics/downsample`, and a chart reducing what it
 * holds): the x extent [x0, x1] of the points in range splits into n equal buckets, a point going
 * to bucket min(n - 1, floor((x - x0) · n / (x1 - x0))) (all to bucket 0 when x1 = x0). A bucket's
 * last point — whose x and value the bucket shows — is its latest: the greatest x; on equal x the
 * greatest other coordinate (the timestamp on the step axis, the step on the time axis: on the
 * step axis this is the latest-metric rule); on equal both, the one logged later. Both store
 * engines and the charts use these functions, so the rule is written once.
 */

/** The factor bucketOf multiplies by, for `n` buckets over [x0, x1]. */
export function bucketScale(x0: number, x1: number, n: number): number {
  return x1 > x0 ? n / (x1 - x0) : 0;
}

/** The bucket of `x` among `n` starting at `x0` (`scale` from bucketScale). */
export function bucketOf(x: number, x0: number, scale: number, n: number): number {
  return Math.min(n - 1, Math.floor((x - x0) * scale));
}

/**
 * True when a point at (x, y), logged after the one at (lastX, lastY), is the later of the two
 * as a bucket's last point (y: the other coordinate).
 */
export function laterInBucket(x: number, y: number, lastX: number, lastY: number): boolean {
  return x > lastX || (x === lastX && y >= lastY);
}
