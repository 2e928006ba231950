/**
 * How the charts of a grid draw: x by step or wall-clock time, linear or log y, and how much
 * the lines are smoothed. One object shared by the toolbar and every chart.
 */

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
