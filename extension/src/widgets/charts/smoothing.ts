/**
 * Smoothing of a noisy metric line: an exponential moving average with TensorBoard's bias
 * correction, so the smoothed line starts at the first value instead of rising from zero.
 */

/**
 * The EMA of `values` with `weight` in [0, 1) (0 = none). Gaps (null) stay gaps and do not
 * reset the average.
 */
export function smooth(values: ReadonlyArray<number | null>, weight: number): Array<number | null> {
  const out = new Array<number | null>(values.length);
  let acc = 0;
  let seen = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      out[i] = null;
      continue;
    }
    acc = acc * weight + (1 - weight) * v;
    seen++;
    out[i] = weight === 0 ? v : acc / (1 - weight ** seen);
  }
  return out;
}
