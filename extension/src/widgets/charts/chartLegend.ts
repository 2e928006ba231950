/**
 * The values line of a chart: the x under the cursor, then per run its colour, name (when
 * several runs share the chart) and value there — the latest values when the cursor is away.
 * Past `MAX_ITEMS` runs it lists the highest values there and says how many more there are, so
 * a 100-run comparison's legend stays one line under the title instead of covering the chart.
 */
import { formatNumber, formatTime } from '../format.js';
import { seriesCss } from './chartColors.js';
import type { SeriesBuffer } from './SeriesBuffer.js';

/** What the legend shows. */
export interface LegendSpec {
  runs: ReadonlyArray<{ runId: string; label: string; colour: number }>;
  buffers: ReadonlyMap<string, SeriesBuffer>;
  /** Per run (same order): smoothed values, or null. */
  smoothed: ReadonlyArray<ReadonlyArray<number | null> | null>;
  /** The x under the cursor, or null for the latest values. */
  x: number | null;
  xAxis: 'step' | 'time';
}

/** Runs listed at most; the rest are counted. */
export const MAX_ITEMS = 6;

/** Fills `el` with the legend of `spec`. */
export function renderLegend(el: HTMLElement, spec: LegendSpec): void {
  const parts: Node[] = [];
  if (spec.x !== null) {
    const where = document.createElement('span');
    where.className = 'll-chart-x';
    where.textContent = spec.xAxis === 'step' ? `step ${formatNumber(spec.x)}` : formatTime(spec.x);
    parts.push(where);
  }
  const shown = spec.runs.flatMap((r, i) => {
    const buf = spec.buffers.get(r.runId);
    if (!buf || buf.length === 0) return [];
    const k = spec.x === null ? buf.length - 1 : buf.nearest(spec.x);
    return [{ r, v: buf.last[k], sm: spec.smoothed[i]?.[k] }];
  });
  const many = shown.length > MAX_ITEMS;
  if (many) shown.sort((a, b) => (b.v ?? -Infinity) - (a.v ?? -Infinity));
  for (const { r, v, sm } of many ? shown.slice(0, MAX_ITEMS) : shown) {
    const item = document.createElement('span');
    item.className = 'll-chart-legend-item';
    item.dataset.runId = r.runId;
    const swatch = document.createElement('span');
    swatch.className = 'll-swatch';
    swatch.style.background = seriesCss(r.colour);
    const name = document.createElement('span');
    name.className = 'll-chart-run';
    name.textContent = spec.runs.length > 1 ? r.label : '';
    const value = document.createElement('span');
    value.className = 'll-chart-value';
    value.textContent = v === null || v === undefined ? '—' : formatNumber(v);
    item.append(swatch, name, value);
    if (sm !== null && sm !== undefined) {
      const s = document.createElement('span');
      s.className = 'll-muted';
      s.textContent = `smoothed ${formatNumber(sm)}`;
      item.append(s);
    }
    parts.push(item);
  }
  if (many) {
    const more = document.createElement('span');
    more.className = 'll-muted ll-chart-more';
    more.textContent = `+${shown.length - MAX_ITEMS} more (highest shown)`;
    parts.push(more);
  }
  el.replaceChildren(...parts);
}
