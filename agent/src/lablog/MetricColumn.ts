/**
 * One metric of one run as columns (step, timestamp, value in logging order), the form the
 * downsampler scans: 24 bytes a point instead of a ~100-byte object, and binary search on x
 * while the points arrive in x order (they nearly always do).
 */

/** The columns of one metric, growing by appends. */
export class MetricColumn {
  step: Float64Array<ArrayBuffer> = new Float64Array(16);
  time: Float64Array<ArrayBuffer> = new Float64Array(16);
  value: Float64Array<ArrayBuffer> = new Float64Array(16);
  length = 0;
  /** Whether steps (timestamps) never decrease in logging order, so x ranges can be binary-searched. */
  stepSorted = true;
  timeSorted = true;

  /** A column over arrays already filled (`length` points; the arrays are kept, not copied). */
  static of(step: Float64Array<ArrayBuffer>, time: Float64Array<ArrayBuffer>, value: Float64Array<ArrayBuffer>, length: number): MetricColumn {
    const col = new MetricColumn();
    col.step = step;
    col.time = time;
    col.value = value;
    col.length = length;
    for (let i = 1; i < length && (col.stepSorted || col.timeSorted); i++) {
      if (step[i]! < step[i - 1]!) col.stepSorted = false;
      if (time[i]! < time[i - 1]!) col.timeSorted = false;
    }
    return col;
  }

  /** Appends one point. */
  push(step: number, time: number, value: number): void {
    const n = this.length;
    if (n === this.step.length) this.grow();
    if (n > 0) {
      if (step < this.step[n - 1]!) this.stepSorted = false;
      if (time < this.time[n - 1]!) this.timeSorted = false;
    }
    this.step[n] = step;
    this.time[n] = time;
    this.value[n] = value;
    this.length = n + 1;
  }

  /** Bytes held (capacity, not length: what the cache budget counts). */
  get bytes(): number {
    return this.step.length * 24;
  }

  /** The x column of an axis, whether it is in order, and the other coordinate's column (y). */
  xs(axis: 'step' | 'time'): { x: Float64Array; sorted: boolean; y: Float64Array } {
    return axis === 'step' ? { x: this.step, sorted: this.stepSorted, y: this.time } : { x: this.time, sorted: this.timeSorted, y: this.step };
  }

  private grow(): void {
    const cap = this.step.length * 2;
    const grown = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.step = grown(this.step);
    this.time = grown(this.time);
    this.value = grown(this.value);
  }
}
