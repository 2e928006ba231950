/**
 * MetricChart — one metric, one uPlot chart, one series per run (overlaid). History comes from
 * the agent's downsampling (min/max/last per bucket: a million points draw from ~1000 buckets,
 * with a min/max band); live points are appended as the runs log and drawn at most once per
 * animation frame. Drag on x to zoom (the range is fetched again at finer buckets), double-click
 * to zoom out. The root element tells tests what is drawn: `data-metric-key`,
 * `data-series-count`, `data-points`, `data-state`, `data-reduced`, `data-zoomed`, `data-drawn`,
 * `data-x-span` (x extent drawn), `data-x-axis`, `data-log`, `data-smoothing`.
 */
import type { WireMetric } from '@lablog/schema';
import { Widget } from '@lumino/widgets';
import uPlot from 'uplot';
import { buildChartData, MAX, MIN, RAW, SERIES_PER_RUN, SMOOTH, type ChartData } from './charts/chartData.js';
import { readChartColors, SERIES_COLOURS, withAlpha, type ChartColors } from './charts/chartColors.js';
import { DEFAULT_CHART_SETTINGS, type ChartSettings } from './charts/ChartSettings.js';
import { cancelFrame, scheduleFrame, type FrameClient } from './charts/frameScheduler.js';
import { RunMetricFeed } from './charts/RunMetricFeed.js';
import { SeriesBuffer } from './charts/SeriesBuffer.js';
import type { ViewerContext } from './context.js';
import { formatNumber, formatTime, metricNumber } from './format.js';
import { onThemeChanged } from './theme.js';

/** A run drawn on a chart. */
export interface ChartRun {
  runId: string;
  /** Its name in the legend. */
  label: string;
  /** Which `--ll-series-N` colour (taken modulo 10). */
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
}

/** A buffer holds at most this many times `buckets` entries before it is reduced again. */
const LIVE_SLACK = 4;

/** One metric of some runs, live. */
export class MetricChart extends Widget implements FrameClient {
  readonly key: string;
  private runs: ChartRun[];
  private settings: ChartSettings;
  private readonly feed: RunMetricFeed;
  private readonly ownFeed: boolean;
  private readonly buckets: number;
  private readonly height: number;
  private readonly plotBox = document.createElement('div');
  private readonly legend = document.createElement('div');
  private readonly message = document.createElement('div');
  private plot: uPlot | null = null;
  private colors: ChartColors | null = null;
  private built: ChartData | null = null;

  /** Whole-range buffers per run (kept live), and the zoomed range's when zoomed. */
  private overview = new Map<string, SeriesBuffer>();
  private detail: Map<string, SeriesBuffer> | null = null;
  private zoom: { min: number; max: number } | null = null;
  /** Live points that came before their run's history, and the runs whose history is in. */
  private early = new Map<string, Array<[number, number]>>();
  private loaded = new Set<string>();
  private generation = 0;
  private zoomGeneration = 0;

  private visible = true;
  private dirty = false;
  private draws = 0;
  private cleanups: Array<() => void> = [];
  private attachedCleanups: Array<() => void> = [];

  constructor(
    private readonly ctx: ViewerContext,
    opts: MetricChartOptions,
  ) {
    super();
    this.key = opts.key;
    this.runs = opts.runs;
    this.settings = { ...(opts.settings ?? DEFAULT_CHART_SETTINGS) };
    this.buckets = opts.buckets ?? 1000;
    this.height = opts.height ?? 220;
    this.ownFeed = !opts.feed;
    this.feed = opts.feed ?? new RunMetricFeed(ctx.lablog);
    if (this.ownFeed) this.feed.setRuns(this.runs.map((r) => r.runId));
    this.addClass('ll-metric-chart');
    this.node.dataset.metricKey = this.key;
    this.node.dataset.state = 'loading';

    const head = document.createElement('div');
    head.className = 'll-chart-head';
    const title = document.createElement('h3');
    title.className = 'll-chart-title';
    title.textContent = this.key;
    title.title = this.key;
    this.legend.className = 'll-chart-legend';
    head.append(title, this.legend);
    this.plotBox.className = 'll-chart-plot';
    this.plotBox.style.height = `${this.height}px`;
    this.message.className = 'll-chart-message';
    this.node.append(head, this.plotBox, this.message);
    this.plotBox.addEventListener('dblclick', () => this.resetZoom());

    this.cleanups.push(
      this.feed.listen({
        points: (runId, points) => this.addLive(runId, points),
        gap: (runId) => {
          // read the run again; what comes live meanwhile waits for it, as on the first read
          this.loaded.delete(runId);
          void this.loadRun(runId, this.generation);
        },
      }),
    );
    this.setAttrs();
    this.reload();
  }

  /** Changes how the chart draws: a new x axis reads the history again, log scale rebuilds the plot. */
  setSettings(s: ChartSettings): void {
    const old = this.settings;
    this.settings = { ...s };
    if (s.xAxis !== old.xAxis) {
      this.destroyPlot();
      this.reload();
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
    this.reload();
  }

  /** Reads every run's history again (and leaves a zoom). */
  reload(): void {
    const gen = ++this.generation;
    this.overview = new Map();
    this.early = new Map();
    this.loaded = new Set();
    this.detail = null;
    this.zoom = null;
    this.node.dataset.state = 'loading';
    for (const r of this.runs) void this.loadRun(r.runId, gen);
  }

  private xOf(m: WireMetric): number {
    return this.settings.xAxis === 'step' ? m.step : m.timestamp;
  }

  private async loadRun(runId: string, gen: number): Promise<void> {
    await this.feed.ready(runId);
    if (gen !== this.generation || this.isDisposed) return;
    try {
      const reply = await this.ctx.query.downsample(runId, this.key, { xAxis: this.settings.xAxis, buckets: this.buckets });
      if (gen !== this.generation || this.isDisposed) return;
      const buf = SeriesBuffer.fromReply(reply);
      // points that came live while the history was read: those past its end are new
      const end = buf.lastX;
      for (const [x, v] of this.early.get(runId) ?? []) if (x > end) buf.append(x, v);
      this.early.delete(runId);
      this.overview.set(runId, buf);
      this.loaded.add(runId);
      this.showMessage(null);
    } catch (err) {
      if (gen !== this.generation || this.isDisposed) return;
      this.loaded.add(runId);
      this.showMessage((err as Error).message);
    }
    this.requestDraw();
  }

  private addLive(runId: string, points: readonly WireMetric[]): void {
    if (!this.runs.some((r) => r.runId === runId)) return;
    let added = false;
    for (const m of points) {
      if (m.key !== this.key) continue;
      const x = this.xOf(m);
      const v = metricNumber(m.value);
      if (!this.loaded.has(runId)) {
        let list = this.early.get(runId);
        if (!list) this.early.set(runId, (list = []));
        list.push([x, v]);
        continue;
      }
      let buf = this.overview.get(runId);
      if (!buf) this.overview.set(runId, (buf = new SeriesBuffer()));
      buf.append(x, v);
      added = true;
    }
    if (!added) return;
    const buf = this.overview.get(runId)!;
    if (buf.length > LIVE_SLACK * this.buckets) buf.reduce(this.buckets);
    // a zoomed view holds still while the runs log; zooming out shows what came
    if (!this.zoom) this.requestDraw();
  }

  private requestDraw(): void {
    if (this.isDisposed) return;
    this.dirty = true;
    if (this.visible) scheduleFrame(this);
  }

  /** @internal FrameClient: draws what changed since the last frame. */
  drawFrame(): void {
    if (this.isDisposed || !this.dirty) return;
    if (!this.isAttached || !this.visible) return;
    const width = this.plotBox.clientWidth;
    if (width === 0) return; // hidden: the resize observer draws once there is room
    this.dirty = false;
    const source = this.zoom && this.detail ? this.detail : this.overview;
    const built = buildChartData(
      this.runs.map((r) => source.get(r.runId) ?? null),
      this.settings,
    );
    this.built = built;
    if (!this.plot) this.createPlot(width, built);
    else {
      this.applyVisibility(this.plot, built);
      this.plot.setData(built.data, !this.zoom);
      if (this.zoom) this.plot.setScale('x', this.zoom);
    }
    const anyLoaded = this.runs.some((r) => this.loaded.has(r.runId));
    this.node.dataset.state = built.points > 0 ? 'ready' : anyLoaded || this.runs.length === 0 ? 'empty' : 'loading';
    this.setAttrs();
    this.showLegend(this.plot?.cursor.idx ?? null);
  }

  private setAttrs(): void {
    const b = this.built;
    this.node.dataset.seriesCount = String(b?.seriesWithData ?? 0);
    this.node.dataset.points = String(b?.points ?? 0);
    this.node.dataset.reduced = String(b?.reduced ?? false);
    this.node.dataset.zoomed = String(this.zoom !== null);
    this.node.dataset.xAxis = this.settings.xAxis;
    this.node.dataset.log = String(this.settings.logScale);
    this.node.dataset.smoothing = String(this.settings.smoothing);
    const xs = b?.data[0];
    // the x extent of what is drawn: zooming in narrows it (tests read it)
    this.node.dataset.xSpan = String(xs && xs.length ? xs[xs.length - 1]! - xs[0]! : 0);
  }

  private createPlot(width: number, built: ChartData): void {
    const colors = (this.colors ??= readChartColors(this.node));
    const s = this.settings;
    const series: uPlot.Series[] = [{ label: s.xAxis }];
    const bands: uPlot.Band[] = [];
    this.runs.forEach((r, i) => {
      const colour = colors.series[r.colour % SERIES_COLOURS]!;
      const base = 1 + i * SERIES_PER_RUN;
      series.push(
        { label: r.label, stroke: colour, width: 1.25, spanGaps: false, points: { show: false } },
        { label: `${r.label} min`, stroke: 'transparent', width: 0, spanGaps: true, points: { show: false } },
        { label: `${r.label} max`, stroke: 'transparent', width: 0, spanGaps: true, points: { show: false } },
        { label: `${r.label} smoothed`, stroke: colour, width: 1.75, spanGaps: true, points: { show: false } },
      );
      bands.push({ series: [base + MAX, base + MIN], fill: withAlpha(colour, 0.18) });
    });
    const axis = (): uPlot.Axis => ({
      stroke: colors.axis,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1 },
      font: '11px system-ui, sans-serif',
    });
    const opts: uPlot.Options = {
      width,
      height: this.height,
      ms: 1,
      series,
      bands,
      scales: { x: { time: s.xAxis === 'time' }, y: s.logScale ? { distr: 3, log: 10 } : {} },
      axes: [axis(), { ...axis(), size: 56, values: (_u, splits) => splits.map((v) => (v === null ? '' : formatNumber(v))) }],
      legend: { show: false },
      cursor: {
        drag: { x: true, y: false, setScale: false },
        // double-click is ours (zoom out to the whole history)
        bind: { dblclick: () => null },
        points: { size: 6 },
      },
      hooks: {
        setSelect: [(u) => this.onSelect(u)],
        setCursor: [(u) => this.showLegend(u.cursor.idx ?? null)],
        draw: [() => this.onDrawn()],
      },
    };
    this.plot = new uPlot(opts, built.data, this.plotBox);
    this.applyVisibility(this.plot, built);
    if (this.zoom) this.plot.setScale('x', this.zoom);
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
    const points = this.built?.points ?? 0;
    this.node.dataset.drawn = String(++this.draws);
    if (points > 0 && this.node.dataset.firstDrawn === undefined) {
      this.node.dataset.firstDrawn = 'true';
      // for the benchmark: navigation → first chart with data on screen
      performance.mark('lablog:chart-drawn', { detail: { key: this.key } });
    }
  }

  private destroyPlot(): void {
    this.plot?.destroy();
    this.plot = null;
    this.dirty = true;
  }

  // ---- zoom --------------------------------------------------------------------------

  private onSelect(u: uPlot): void {
    const sel = u.select;
    if (sel.width < 3) return;
    const min = u.posToVal(sel.left, 'x');
    const max = u.posToVal(sel.left + sel.width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    void this.zoomTo(min, max);
  }

  /** Shows x in [min, max], read again from the agent at finer buckets. */
  async zoomTo(min: number, max: number): Promise<void> {
    const gen = ++this.zoomGeneration;
    this.zoom = { min, max };
    this.plot?.setScale('x', this.zoom);
    this.setAttrs();
    const step = this.settings.xAxis === 'step';
    const range = { xMin: step ? Math.floor(min) : min, xMax: step ? Math.ceil(max) : max };
    try {
      const replies = await Promise.all(
        this.runs.map(async (r) => [r.runId, await this.ctx.query.downsample(r.runId, this.key, { xAxis: this.settings.xAxis, buckets: this.buckets, ...range })] as const),
      );
      if (gen !== this.zoomGeneration || !this.zoom || this.isDisposed) return;
      this.detail = new Map(replies.map(([id, reply]) => [id, SeriesBuffer.fromReply(reply)]));
      this.showMessage(null);
    } catch (err) {
      if (gen !== this.zoomGeneration || this.isDisposed) return;
      this.showMessage((err as Error).message);
    }
    this.requestDraw();
  }

  /** Back to the whole history (double-click). */
  resetZoom(): void {
    if (!this.zoom) return;
    this.zoomGeneration++;
    this.zoom = null;
    this.detail = null;
    this.requestDraw();
  }

  // ---- legend ------------------------------------------------------------------------

  /** Values under the cursor (idx: index into the drawn x), or the latest ones. */
  private showLegend(idx: number | null): void {
    const built = this.built;
    if (!built) return;
    const xs = built.data[0];
    const x = idx !== null && idx < xs.length ? xs[idx]! : null;
    const source = this.zoom && this.detail ? this.detail : this.overview;
    const parts: Node[] = [];
    if (x !== null) {
      const where = document.createElement('span');
      where.className = 'll-chart-x';
      where.textContent = this.settings.xAxis === 'step' ? `step ${formatNumber(x)}` : formatTime(x);
      parts.push(where);
    }
    this.runs.forEach((r, i) => {
      const buf = source.get(r.runId);
      if (!buf || buf.length === 0) return;
      const k = x === null ? buf.length - 1 : buf.nearest(x);
      const v = buf.last[k];
      const sm = built.smoothed[i]?.[k];
      const item = document.createElement('span');
      item.className = 'll-chart-legend-item';
      item.dataset.runId = r.runId;
      const sw = document.createElement('span');
      sw.className = 'll-swatch';
      sw.style.background = `var(--ll-series-${r.colour % SERIES_COLOURS})`;
      const name = document.createElement('span');
      name.className = 'll-chart-run';
      name.textContent = this.runs.length > 1 ? r.label : '';
      const val = document.createElement('span');
      val.className = 'll-chart-value';
      val.textContent = v === null || v === undefined ? '—' : formatNumber(v);
      item.append(sw, name, val);
      if (sm !== null && sm !== undefined) {
        const s = document.createElement('span');
        s.className = 'll-muted';
        s.textContent = `smoothed ${formatNumber(sm)}`;
        item.append(s);
      }
      parts.push(item);
    });
    this.legend.replaceChildren(...parts);
  }

  private showMessage(text: string | null): void {
    this.message.textContent = text ?? '';
    this.message.className = text ? 'll-chart-message ll-error' : 'll-chart-message';
    if (text) this.node.dataset.state = 'error';
  }

  // ---- lifecycle ---------------------------------------------------------------------

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
    for (const c of [...this.cleanups, ...this.attachedCleanups]) c();
    this.cleanups = [];
    this.attachedCleanups = [];
    this.plot?.destroy();
    this.plot = null;
    if (this.ownFeed) this.feed.dispose();
    super.dispose();
  }
}
