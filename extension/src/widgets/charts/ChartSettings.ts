/**
 * How the charts of a grid draw: x by step or wall-clock time, linear or log y, and how much
 * the lines are smoothed. One object shared by the toolbar and every chart.
 */

import type { ChartView } from '../routes.js';

/** Drawing settings of a chart. */
export interface ChartSettings {
  /** x: the step, or the time the point was logged. Default step. */
  xAxis: 'step' | 'time';
  /** Log scale on y (values ≤ 0 are not drawn). Default false. */
  logScale: boolean;
  /** EMA weight in [0, 0.99]; 0 draws the raw line only. Default 0. */
  smoothing: number;
}

/** The settings a grid starts with. */
export const DEFAULT_CHART_SETTINGS: Readonly<ChartSettings> = { xAxis: 'step', logScale: false, smoothing: 0 };

/** The settings a route's chart view stands for. */
export function settingsOfView(v: ChartView | undefined): ChartSettings {
  return { xAxis: v?.x ?? 'step', logScale: v?.log ?? false, smoothing: v?.smooth ?? 0 };
}

/** The chart view (for the URL) of settings and a metric filter: only what differs from the defaults. */
export function viewOfSettings(s: ChartSettings, metrics: string): ChartView | undefined {
  const v: ChartView = {};
  if (s.xAxis === 'time') v.x = 'time';
  if (s.logScale) v.log = true;
  if (s.smoothing > 0) v.smooth = s.smoothing;
  if (metrics.trim()) v.metrics = metrics.trim();
  return Object.keys(v).length ? v : undefined;
}
