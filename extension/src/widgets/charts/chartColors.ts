/**
 * The colours a chart paints with, read from the theme's CSS variables (`--ll-series-N`,
 * `--ll-fg-muted`, `--ll-grid`) on the chart's own element, since a canvas cannot use
 * `var(...)`. Read again when the theme changes (see ../theme.ts).
 */

/** Series colours there are variables for. */
export const SERIES_COLOURS = 10;

/** A chart's palette. */
export interface ChartColors {
  series: string[];
  axis: string;
  grid: string;
  fg: string;
  bg: string;
}

/** Reads the palette in effect at `el` (which must be in the document). */
export function readChartColors(el: Element): ChartColors {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  return {
    series: Array.from({ length: SERIES_COLOURS }, (_, i) => v(`--ll-series-${i}`, '#1f77b4')),
    axis: v('--ll-fg-muted', '#59636e'),
    grid: v('--ll-grid', 'rgba(0,0,0,0.08)'),
    fg: v('--ll-fg', '#1f2328'),
    bg: v('--ll-bg', '#ffffff'),
  };
}

let probe: CanvasRenderingContext2D | null = null;

/** `color` with its alpha set to `alpha`, for any colour a canvas understands. */
export function withAlpha(color: string, alpha: number): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return color;
  // the canvas normalises any CSS colour to #rrggbb or rgba(...)
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  const c = String(probe.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (hex) return `rgba(${parseInt(hex[1]!, 16)}, ${parseInt(hex[2]!, 16)}, ${parseInt(hex[3]!, 16)}, ${alpha})`;
  const rgba = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(c);
  return rgba ? `rgba(${rgba[1]!.trim()}, ${rgba[2]!.trim()}, ${rgba[3]!.trim()}, ${alpha})` : color;
}
