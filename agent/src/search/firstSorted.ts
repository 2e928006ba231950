/**
 * The first `k` items of a sort without sorting them all. A search answers one page — 100 runs
 * of 100,000 — so sorting every match is wasted work: at 100k runs ordered by a metric a full
 * sort took ~450 ms. Items are gathered into a buffer of 2k; when it fills, a selection keeps its
 * best k, and the k-th best becomes a bar later items must beat to be gathered at all. That is
 * linear on average, whatever order the items come in (runs come in creation order, which is
 * the worst case for a heap under the default newest-first order).
 */

/**
 * The `k` first items of `items` in the order of `compare`, sorted. `compare` must be total
 * (the run and experiment comparators end on an id), so equal means the same item.
 */
export function firstSorted<T>(items: readonly T[], compare: (a: T, b: T) => number, k: number): T[] {
  if (k <= 0) return [];
  if (k * 4 >= items.length) return [...items].sort(compare).slice(0, k);
  const buffer: T[] = [];
  let bar: T | undefined;
  for (const item of items) {
    if (bar !== undefined && compare(item, bar) >= 0) continue;
    buffer.push(item);
    if (buffer.length === 2 * k) {
      select(buffer, k - 1, compare);
      buffer.length = k;
      bar = buffer[k - 1];
    }
  }
  return buffer.sort(compare).slice(0, k);
}

/**
 * Reorders `a` so that `a[n]` is the item a sort would put there, those before it come no later
 * and those after it no earlier (Hoare's selection, median-of-three pivots).
 */
function select<T>(a: T[], n: number, compare: (x: T, y: T) => number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three at mid: guards against already-ordered input
    if (compare(a[mid]!, a[lo]!) < 0) swap(a, mid, lo);
    if (compare(a[hi]!, a[lo]!) < 0) swap(a, hi, lo);
    if (compare(a[hi]!, a[mid]!) < 0) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (compare(a[i]!, pivot) < 0) i++;
      while (compare(a[j]!, pivot) > 0) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (n <= j) hi = j;
    else if (n >= i) lo = i;
    else return;
  }
}

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
