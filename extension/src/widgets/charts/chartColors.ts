/**
 * The colours a chart paints with, read from the theme's CSS variables (`--ll-series-N`,
 * `--ll-fg-muted`, `--ll-grid`) on the chart's own element, since a canvas cannot use
 * `var(...)`. Read again when the theme changes (see ../theme.ts).
 */

/** Series colours there are variables for. */
export const SERIES_COLOURS = 10;

/**
 * Colour of series `i` past the theme's ten: hues a golden angle apart in three lightnesses, so
 * run 11 does not repeat run 1 and neighbours differ (a 100-run comparison stays tellable apart).
 */
function extraColour(i: number): string {
  const hue = Math.round((i * 137.508) % 360);
  const light = [46, 62, 34][Math.floor(i / SERIES_COLOURS) % 3];
  return `hsl(${hue}, 68%, ${light}%)`;
}

/** Series `i`'s colour for CSS: the theme's variable for the first ten (they follow dark mode), then `extraColour`. */
export function seriesCss(i: number): string {
  return i < SERIES_COLOURS ? `var(--ll-series-${i})` : extraColour(i);
}

/** Series `i`'s colour for a canvas, from a palette read by `readChartColors`. */
export function seriesPaint(colors: ChartColors, i: number): string {
  return i < SERIES_COLOURS ? colors.series[i]! : extraColour(i);
}

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
