/**
 * The x order of a column whose points were not logged in x order (batches sent by several
 * workers at once land out of order): point indices sorted by x, logging order among equal x.
 * Kept up to date by appends — new points after the last x extend it, others are merged in —
 * so a chart reading a run that is still logging never sorts the whole history again.
 */

/** Indices of a column, sorted by x. */
export class XOrder {
  private order: Uint32Array = new Uint32Array(0);
  /** Points of the column covered. */
  length = 0;

  /** Bytes held. */
  get bytes(): number {
    return this.order.byteLength;
  }

  /** The sorted indices of the first `n` points of `x` (n only grows between calls). */
  update(x: Float64Array, n: number): Uint32Array {
    if (n > this.length) {
      const added = sortedRange(x, this.length, n);
      if (this.length === 0) this.set(added, n);
      else if (x[added[0]!]! >= x[this.order[this.length - 1]!]!) this.append(added, n);
      else this.set(merge(x, this.order.subarray(0, this.length), added), n);
    }
    return this.order.subarray(0, this.length);
  }

  private set(order: Uint32Array, n: number): void {
    this.order = order;
    this.length = n;
  }

  private append(added: Uint32Array, n: number): void {
    if (this.order.length < n) {
      const grown = new Uint32Array(Math.max(n, this.order.length * 2));
      grown.set(this.order.subarray(0, this.length));
      this.order = grown;
    }
    this.order.set(added, this.length);
    this.length = n;
  }
}

/** Indices from..to-1 sorted by x, stable (Array#sort is a TimSort: runs already in order cost little). */
function sortedRange(x: Float64Array, from: number, to: number): Uint32Array {
  const idx = new Array<number>(to - from);
  for (let i = from; i < to; i++) idx[i - from] = i;
  idx.sort((a, b) => x[a]! - x[b]! || a - b);
  return Uint32Array.from(idx);
}

/** Two sorted index lists as one; on equal x the earlier index first. */
function merge(x: Float64Array, a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const ia = a[i]!;
    const ib = b[j]!;
    if (x[ia]! < x[ib]! || (x[ia] === x[ib] && ia < ib)) {
      out[k++] = ia;
      i++;
    } else {
      out[k++] = ib;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
