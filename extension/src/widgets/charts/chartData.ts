/**
 * Turns the runs' buffers into uPlot's columnar data: one shared x column, then per run four
 * series — the raw line, the bucket minimum and maximum (the edges of a band, shown only when
 * the data is reduced) and the smoothed line (shown only when smoothing is on). Runs logged at different x are joined on the union
 * of their x values: a run is drawn across the x of the others.
 */
import uPlot from 'uplot';
import type { ChartSettings } from './ChartSettings.js';
import type { SeriesBuffer } from './SeriesBuffer.js';
import { smooth } from './smoothing.js';

/** Series per run, in this order after x. */
export const SERIES_PER_RUN = 4;
export const RAW = 0;
export const MIN = 1;
export const MAX = 2;
export const SMOOTH = 3;

/** What a chart draws, and what it says about it. */
export interface ChartData {
  data: uPlot.AlignedData;
  /** Per run (same order as given): the smoothed values, for the hover readout. */
  smoothed: Array<Array<number | null> | null>;
  /** Entries drawn, all runs together. */
  points: number;
  /** Per run: whether its min/max band is drawn (its data is reduced). */
  banded: boolean[];
  /** Runs with at least one entry. */
  seriesWithData: number;
  /** Whether some run is drawn from buckets (a band is shown). */
  reduced: boolean;
  /** The x of entries whose value is not a finite number (NaN, ±Infinity): marked on the x axis, not left as silent gaps. */
  nonFinite: number[];
  /** Values not drawn because the y axis is logarithmic and they are ≤ 0. */
  belowLog: number;
}

const positive = (v: number | null): number | null => (v !== null && v > 0 ? v : null);

/** Builds the uPlot data of some runs' buffers (`null`: the run has no data yet). */
export function buildChartData(buffers: ReadonlyArray<SeriesBuffer | null>, s: ChartSettings): ChartData {
  const tables: uPlot.AlignedData[] = [];
  const smoothed: ChartData['smoothed'] = [];
  const banded: boolean[] = [];
  let points = 0;
  let seriesWithData = 0;
  const nonFinite: number[] = [];
  let belowLog = 0;
  for (const b of buffers) {
    const n = b?.length ?? 0;
    if (!b || n === 0) {
      tables.push([[], [], [], [], []]);
      smoothed.push(null);
      banded.push(false);
      continue;
    }
    points += n;
    seriesWithData++;
    const band = b.reduced;
    banded.push(band);
    const sm = s.smoothing > 0 ? smooth(b.last, s.smoothing) : null;
    smoothed.push(sm);
    for (let i = 0; i < n; i++) {
      const v = b.last[i];
      if (v === null || v === undefined) nonFinite.push(b.x[i]!);
      else if (s.logScale && v <= 0) belowLog++;
    }
    const fix = s.logScale ? (a: Array<number | null>) => a.map(positive) : (a: Array<number | null>) => a;
    const raw = fix(b.last);
    // a series not shown (no band, no smoothing) gets the raw column: same length, no allocation
    tables.push([b.x, raw, band ? fix(b.min) : raw, band ? fix(b.max) : raw, sm ? fix(sm) : raw]);
  }
  // joined: `undefined` marks "no point of this run at this x" (spanned); the raw line keeps
  // its nulls (NaN, or ≤ 0 on a log scale) as gaps
  const data: uPlot.AlignedData = tables.length === 0 ? [[] as number[]] : tables.length === 1 ? tables[0]! : uPlot.join(tables, tables.map(() => [1, 1, 0, 0, 0] as uPlot.JoinNullMode[]));
  return { data, smoothed, banded, points, seriesWithData, reduced: banded.some(Boolean), nonFinite, belowLog };
}
