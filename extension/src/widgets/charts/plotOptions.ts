/**
 * The uPlot options of a metric chart: x by step (numbers) or time (ms), y linear or log, per
 * run the four series of chartData (raw, band edges, smoothed) in the run's theme colour with
 * the band between the edges, axes in the theme's muted colours, drag to select on x. No
 * legend (the chart shows its own) and no default double-click (the chart's zooms out).
 */
import uPlot from 'uplot';
import { formatNumber } from '../format.js';
import type { ChartColors } from './chartColors.js';
import { seriesPaint, withAlpha } from './chartColors.js';
import { MAX, MIN, SERIES_PER_RUN } from './chartData.js';
import type { ChartSettings } from './ChartSettings.js';

/** What the options are made of. */
export interface PlotSpec {
  width: number;
  height: number;
  settings: ChartSettings;
  colors: ChartColors;
  /** Per run: its legend name and colour index. */
  runs: ReadonlyArray<{ label: string; colour: number }>;
  hooks: uPlot.Hooks.Arrays;
  /** Charts with the same key share the crosshair (the charts of one grid). */
  syncKey?: string;
  /** The x of values that are not finite, drawn as marks on the x axis. */
  nonFinite?: () => readonly number[];
}

/** uPlot options for `spec`. */
export function plotOptions(spec: PlotSpec): uPlot.Options {
  const { colors, settings: s } = spec;
  const series: uPlot.Series[] = [{ label: s.xAxis }];
  const bands: uPlot.Band[] = [];
  spec.runs.forEach((r, i) => {
    const colour = seriesPaint(colors, r.colour);
    const base = 1 + i * SERIES_PER_RUN;
    series.push(
      { label: r.label, stroke: colour, width: 1.25, spanGaps: false, points: { size: 5 } },
      // the envelope's edges are drawn, thin: a spike in a million points is a visible line, not a faint band
      { label: `${r.label} min`, stroke: withAlpha(colour, 0.5), width: 0.75, spanGaps: true, points: { show: false } },
      { label: `${r.label} max`, stroke: withAlpha(colour, 0.5), width: 0.75, spanGaps: true, points: { show: false } },
      { label: `${r.label} smoothed`, stroke: colour, width: 1.75, spanGaps: true, points: { show: false } },
    );
    bands.push({ series: [base + MAX, base + MIN], fill: withAlpha(colour, 0.28) });
  });
  const axis = (): uPlot.Axis => ({
    stroke: colors.axis,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
    font: '11px system-ui, sans-serif',
  });
  return {
    width: spec.width,
    height: spec.height,
    ms: 1,
    series,
    bands,
    scales: { x: { time: s.xAxis === 'time' }, y: s.logScale ? { distr: 3, log: 10 } : {} },
    axes: [axis(), { ...axis(), size: 56, values: (_u, splits) => splits.map((v) => (v === null ? '' : formatNumber(v))) }],
    legend: { show: false },
    cursor: {
      drag: { x: true, y: false, setScale: false },
      bind: { dblclick: () => null },
      points: { size: 6 },
      ...(spec.syncKey ? { sync: { key: spec.syncKey } } : {}),
    },
    hooks: spec.nonFinite ? { ...spec.hooks, draw: [...(spec.hooks.draw ?? []), (u: uPlot) => markNonFinite(u, spec.nonFinite!(), colors.fg)] } : spec.hooks,
  };
}

/** Small triangles on the x axis where a value is NaN or ±Infinity. */
function markNonFinite(u: uPlot, xs: readonly number[], colour: string): void {
  if (!xs.length) return;
  const ctx = u.ctx;
  const bottom = u.bbox.top + u.bbox.height;
  const size = 5 * devicePixelRatio;
  ctx.save();
  ctx.fillStyle = colour;
  for (const x of xs) {
    const px = u.valToPos(x, 'x', true);
    if (px < u.bbox.left || px > u.bbox.left + u.bbox.width) continue;
    ctx.beginPath();
    ctx.moveTo(px, bottom - size);
    ctx.lineTo(px - size / 2, bottom);
    ctx.lineTo(px + size / 2, bottom);
    ctx.fill();
  }
  ctx.restore();
}
