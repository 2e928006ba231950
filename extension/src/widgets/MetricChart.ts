/**
 * MetricChart — one metric, one uPlot chart, one series per run (overlaid). History comes from
 * the agent's downsampling (min/max/last per bucket: a million points draw from ~1000 buckets,
 * with a min/max band); live points are appended as the runs log and drawn at most once per
 * animation frame, and not at all while the chart is scrolled out of sight. Drag on x to zoom
 * (the range is read again at finer buckets), double-click to zoom out. The root element tells
 * tests what is drawn: `data-metric-key`, `data-series-count`, `data-points`, `data-state`,
 * `data-reduced`, `data-zoomed`, `data-drawn`, `data-x-span` (x extent drawn), `data-x-axis`,
 * `data-log`, `data-smoothing`.
 */
import { Widget } from '@lumino/widgets';
import uPlot from 'uplot';
import { buildChartData, RAW, MAX, MIN, SERIES_PER_RUN, SMOOTH, type ChartData } from './charts/chartData.js';
import { readChartColors, type ChartColors } from './charts/chartColors.js';
import { renderLegend } from './charts/chartLegend.js';
import { DEFAULT_CHART_SETTINGS, type ChartSettings } from './charts/ChartSettings.js';
import { cancelFrame, scheduleFrame, type FrameClient } from './charts/frameScheduler.js';
import { MetricHistory } from './charts/MetricHistory.js';
import { plotOptions } from './charts/plotOptions.js';
import { RunMetricFeed } from './charts/RunMetricFeed.js';
import type { ViewerContext } from './context.js';
import { onThemeChanged } from './theme.js';

/** A run drawn on a chart. */
export interface ChartRun {
  runId: string;
  /** Its name in the legend. */
  label: string;
  /** Which series colour (charts/chartColors `seriesCss`). */
  colour: number;
}

/** Options of a metric chart. */
export interface MetricChartOptions {
  key: string;
  runs: ChartRun[];
  /** Default DEFAULT_CHART_SETTINGS. */
  settings?: ChartSettings;
  /** Live points; default: the chart watches its runs itself. */
  feed?: RunMetricFeed;
  /** Buckets asked of the agent. Default 1000. */
  buckets?: number;
  /** Plot height in CSS pixels. Default 220. */
  height?: number;
  /** Charts with the same key share the crosshair (the charts of one grid). */
  syncKey?: string;
}

/** Plot height of an expanded chart (it also takes the grid's whole width). */
const EXPANDED_HEIGHT = 460;

/** One metric of some runs, live. */
export class MetricChart extends Widget implements FrameClient {
  readonly key: string;
  private runs: ChartRun[];
  private settings: ChartSettings;
  private readonly feed: RunMetricFeed;
  private readonly ownFeed: boolean;
  private readonly history: MetricHistory;
  private height: number;
  private readonly normalHeight: number;
  private readonly syncKey: string | undefined;
  private readonly notes = document.createElement('div');
  private readonly plotBox = document.createElement('div');
  private readonly legend = document.createElement('div');
  private readonly message = document.createElement('div');
  private plot: uPlot | null = null;
  private colors: ChartColors | null = null;
  private built: ChartData | null = null;
  private visible = true;
  private dirty = false;
  private draws = 0;
  private attachedCleanups: Array<() => void> = [];

  constructor(ctx: ViewerContext, opts: MetricChartOptions) {
    super();
    this.key = opts.key;
    this.runs = opts.runs;
    this.settings = { ...(opts.settings ?? DEFAULT_CHART_SETTINGS) };
    this.height = this.normalHeight = opts.height ?? 220;
    this.syncKey = opts.syncKey;
    this.ownFeed = !opts.feed;
    this.feed = opts.feed ?? new RunMetricFeed(ctx.lablog);
    if (this.ownFeed) this.feed.setRuns(this.runs.map((r) => r.runId));
    this.addClass('ll-metric-chart');
    this.node.dataset.metricKey = this.key;
    this.node.dataset.state = 'loading';
    // several runs: the title keeps its own line and the values go under it
    if (this.runs.length > 1) this.node.classList.add('ll-multi-run');

    const head = document.createElement('div');
    head.className = 'll-chart-head';
    const title = document.createElement('h3');
    title.className = 'll-chart-title';
    title.textContent = this.key;
    title.title = this.key;
    this.legend.className = 'll-chart-legend';
    head.append(title, this.tools(), this.legend);
    this.notes.className = 'll-muted ll-chart-notes';
    this.plotBox.className = 'll-chart-plot';
    this.plotBox.style.height = `${this.height}px`;
    this.message.className = 'll-chart-message';
    this.node.append(head, this.plotBox, this.notes, this.message);
    this.plotBox.addEventListener('dblclick', () => this.history.resetZoom());

    this.history = new MetricHistory({
      key: this.key,
      runIds: this.runs.map((r) => r.runId),
      xAxis: this.settings.xAxis,
      buckets: opts.buckets ?? 1000,
      feed: this.feed,
      query: ctx.query,
      changed: () => this.requestDraw(),
    });
    this.setAttrs();
  }

  /** Expand (the grid's width, taller), PNG and CSV downloads. */
  private tools(): HTMLElement {
    const box = document.createElement('span');
    box.className = 'll-chart-tools';
    const tool = (label: string, name: string, title: string, fn: (b: HTMLButtonElement) => void): void => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'll-chart-tool';
      b.dataset.tool = name;
      b.textContent = label;
      b.title = title;
      b.setAttribute('aria-label', `${title}: ${this.key}`);
      b.addEventListener('click', () => fn(b));
      box.append(b);
    };
    tool('⤢', 'expand', 'Expand', (b) => {
      const on = this.node.classList.toggle('ll-expanded');
      b.setAttribute('aria-pressed', String(on));
      this.height = on ? EXPANDED_HEIGHT : this.normalHeight;
      this.plotBox.style.height = `${this.height}px`;
      if (this.plot) this.plot.setSize({ width: this.plotBox.clientWidth || this.plot.width, height: this.height });
    });
    tool('PNG', 'png', 'Download as PNG', () => {
      const canvas = this.plotBox.querySelector('canvas');
      if (canvas) download(canvas.toDataURL('image/png'), `${fileName(this.key)}.png`);
    });
    tool('CSV', 'csv', 'Download the points drawn as CSV', () => {
      const url = URL.createObjectURL(new Blob([this.csv()], { type: 'text/csv' }));
      download(url, `${fileName(this.key)}.csv`);
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
    return box;
  }

  /** The points drawn, one row per run and entry: run, x, value (and min, max, count for buckets). */
  csv(): string {
    const rows = [`run_id,run,${this.settings.xAxis},value,min,max,count`];
    for (const r of this.runs) {
      const b = this.history.buffers.get(r.runId);
      if (!b) continue;
      const name = `"${r.label.replaceAll('"', '""')}"`;
      for (let i = 0; i < b.length; i++) rows.push(`${r.runId},${name},${b.x[i]},${b.last[i] ?? 'NaN'},${b.min[i] ?? ''},${b.max[i] ?? ''},${b.count[i] ?? 1}`);
    }
    return `${rows.join('\n')}\n`;
  }

  /** Changes how the chart draws: a new x axis reads the history again, log scale rebuilds the plot. */
  setSettings(s: ChartSettings): void {
    const old = this.settings;
    this.settings = { ...s };
    if (s.xAxis !== old.xAxis) {
      this.destroyPlot();
      this.history.setXAxis(s.xAxis);
    } else if (s.logScale !== old.logScale) {
      this.destroyPlot();
      this.requestDraw();
    } else if (s.smoothing !== old.smoothing) this.requestDraw();
  }

  /** Draws another set of runs. */
  setRuns(runs: ChartRun[]): void {
    this.runs = runs;
    if (this.ownFeed) this.feed.setRuns(runs.map((r) => r.runId));
    this.destroyPlot();
    this.history.setRuns(runs.map((r) => r.runId));
  }

  /** Shows x in [min, max] only, read again at finer buckets (what a drag on the plot does). */
  zoomTo(min: number, max: number): Promise<void> {
    return this.history.zoomTo(min, max);
  }

  private requestDraw(): void {
    if (this.isDisposed) return;
    this.dirty = true;
    if (this.visible) scheduleFrame(this);
  }

  /** @internal FrameClient: draws what changed since the last frame. */
  drawFrame(): void {
    if (this.isDisposed || !this.dirty || !this.isAttached || !this.visible) return;
    const width = this.plotBox.clientWidth;
    if (width === 0) return; // hidden: the resize observer asks again once there is room
    this.dirty = false;
    const zoom = this.history.zoom;
    const buffers = this.history.buffers;
    const built = buildChartData(
      this.runs.map((r) => buffers.get(r.runId) ?? null),
      this.settings,
    );
    this.built = built;
    if (!this.plot) this.createPlot(width, built);
    else {
      this.applyVisibility(this.plot, built);
      this.plot.setData(built.data, !zoom);
    }
    if (zoom) this.plot!.setScale('x', zoom);
    const error = this.history.error;
    this.message.textContent = error ?? '';
    this.message.className = error ? 'll-chart-message ll-error' : 'll-chart-message';
    this.node.dataset.state = error ? 'error' : built.points > 0 ? 'ready' : this.history.anyLoaded || this.runs.length === 0 ? 'empty' : 'loading';
    // what the plot cannot show is said, not left as silent gaps
    const notes: string[] = [];
    if (built.nonFinite.length) notes.push(`▲ ${built.nonFinite.length} ${built.nonFinite.length === 1 ? 'value is' : 'values are'} NaN or ±Infinity (marked on the x axis)`);
    if (built.belowLog) notes.push(`${built.belowLog} ${built.belowLog === 1 ? 'value' : 'values'} ≤ 0 not drawn on the log scale`);
    this.notes.textContent = notes.join(' · ');
    this.setAttrs();
    this.showLegend(this.plot?.cursor.idx ?? null);
  }

  private setAttrs(): void {
    const b = this.built;
    const d = this.node.dataset;
    d.seriesCount = String(b?.seriesWithData ?? 0);
    d.points = String(b?.points ?? 0);
    d.reduced = String(b?.reduced ?? false);
    d.zoomed = String(this.history.zoom !== null);
    d.xAxis = this.settings.xAxis;
    d.log = String(this.settings.logScale);
    d.smoothing = String(this.settings.smoothing);
    const xs = b?.data[0];
    d.xSpan = String(xs && xs.length ? xs[xs.length - 1]! - xs[0]! : 0);
  }

  private createPlot(width: number, built: ChartData): void {
    const opts = plotOptions({
      width,
      height: this.height,
      settings: this.settings,
      colors: (this.colors ??= readChartColors(this.node)),
      runs: this.runs,
      ...(this.syncKey ? { syncKey: this.syncKey } : {}),
      nonFinite: () => this.built?.nonFinite ?? [],
      hooks: {
        setSelect: [(u) => this.onSelect(u)],
        setCursor: [(u) => this.showLegend(u.cursor.idx ?? null)],
        draw: [() => this.onDrawn()],
      },
    });
    this.plot = new uPlot(opts, built.data, this.plotBox);
    this.applyVisibility(this.plot, built);
  }

  /**
   * Which series show: the band edges only for reduced data, the smoothed line only with
   * smoothing on — and then the raw line fades behind it.
   */
  private applyVisibility(u: uPlot, built: ChartData): void {
    const smoothing = this.settings.smoothing > 0;
    const want = (idx: number, show: boolean): void => {
      if (u.series[idx] && u.series[idx].show !== show) u.setSeries(idx, { show });
    };
    u.batch(() => {
      for (let i = 0; i < this.runs.length; i++) {
        const base = 1 + i * SERIES_PER_RUN;
        const raw = u.series[base + RAW];
        if (raw) raw.alpha = smoothing ? 0.28 : 1;
        want(base + MIN, built.banded[i] ?? false);
        want(base + MAX, built.banded[i] ?? false);
        want(base + SMOOTH, smoothing);
      }
    });
  }

  private onDrawn(): void {
    this.node.dataset.drawn = String(++this.draws);
    if ((this.built?.points ?? 0) > 0 && this.node.dataset.firstDrawn === undefined) {
      this.node.dataset.firstDrawn = 'true';
      // for the benchmark: navigation → first chart with data on screen
      performance.mark('lablog:chart-drawn', { detail: { key: this.key } });
    }
  }

  private onSelect(u: uPlot): void {
    const sel = u.select;
    if (sel.width < 3) return;
    const min = u.posToVal(sel.left, 'x');
    const max = u.posToVal(sel.left + sel.width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    void this.history.zoomTo(min, max);
  }

  /** Values under the cursor (idx: index into the drawn x), or the latest ones. */
  private showLegend(idx: number | null): void {
    const built = this.built;
    if (!built) return;
    const xs = built.data[0];
    renderLegend(this.legend, {
      runs: this.runs,
      buffers: this.history.buffers,
      smoothed: built.smoothed,
      x: idx !== null && idx < xs.length ? xs[idx]! : null,
      xAxis: this.settings.xAxis,
    });
  }

  private destroyPlot(): void {
    this.plot?.destroy();
    this.plot = null;
    this.dirty = true;
  }

  protected override onAfterAttach(): void {
    const resize = new ResizeObserver(() => {
      const w = this.plotBox.clientWidth;
      if (w === 0) return;
      if (this.plot && Math.abs(this.plot.width - w) > 1) this.plot.setSize({ width: w, height: this.height });
      else if (!this.plot) this.requestDraw();
    });
    resize.observe(this.plotBox);
    // charts scrolled out of sight are not redrawn while the runs log
    const seen = new IntersectionObserver((entries) => {
      const e = entries[entries.length - 1];
      if (!e) return;
      this.visible = e.isIntersecting;
      if (this.visible && this.dirty) scheduleFrame(this);
    });
    seen.observe(this.node);
    const theme = onThemeChanged(() => {
      this.colors = null;
      this.destroyPlot();
      this.requestDraw();
    });
    this.attachedCleanups.push(
      () => resize.disconnect(),
      () => seen.disconnect(),
      theme,
    );
    this.requestDraw();
  }

  protected override onBeforeDetach(): void {
    for (const c of this.attachedCleanups) c();
    this.attachedCleanups = [];
  }

  override dispose(): void {
    if (this.isDisposed) return;
    cancelFrame(this);
    for (const c of this.attachedCleanups) c();
    this.attachedCleanups = [];
    this.history.dispose();
    this.plot?.destroy();
    this.plot = null;
    if (this.ownFeed) this.feed.dispose();
    super.dispose();
  }
}

/** A file name from a metric key (`val/loss` → `val_loss`). */
function fileName(key: string): string {
  return key.replace(/[^\w.-]+/g, '_');
}

/** Starts a download of `url` as `name`. */
function download(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}
