/**
 * ChartGrid — one live chart per metric of one or more runs (runs overlaid, in the series
 * colours of their order), in a responsive grid under a toolbar: x by step or time, log scale,
 * smoothing, a filter on metric names. The metrics are those the runs have, plus any that
 * appear while they log; one watcher per run feeds every chart.
 */
import type { WireRun } from '@lablog/schema';
import { Panel, Widget } from '@lumino/widgets';
import { ChartToolbar } from './charts/ChartToolbar.js';
import { settingsOfView, viewOfSettings, type ChartSettings } from './charts/ChartSettings.js';
import { RunMetricFeed } from './charts/RunMetricFeed.js';
import type { ViewerContext } from './context.js';
import { runLabel } from './format.js';
import { MetricChart, type ChartRun } from './MetricChart.js';
import type { ChartView } from './routes.js';

/** Options of a chart grid. */
export interface ChartGridOptions {
  /** The runs drawn; each one is a series on every chart. */
  runIds: string[];
  /** Only these metric keys (default: every key any of the runs has, and any that comes). */
  keys?: string[];
  /** Only the keys this accepts, of those (the run page: `system/…` in its System tab, the rest in Charts). */
  keyFilter?: (key: string) => boolean;
  /** What to show while there is no chart (default: how to log a metric). */
  empty?: () => HTMLElement;
  /** Runs already read by the caller (the run page), so they are not read again. */
  runs?: WireRun[];
  /** How to draw at first (from the URL). */
  view?: ChartView;
  /** Told of every change of the drawing settings or the metric filter (the view puts it in the URL). */
  viewChanged?: (view: ChartView | undefined) => void;
}

const byName = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true });

/** The group of a metric: the part of its key before the first `/` (none: ''). */
function groupOf(key: string): string {
  const slash = key.indexOf('/');
  return slash > 0 ? key.slice(0, slash) : '';
}

/** Groups by name, the keys without a group last; by name within a group. */
const byGroupThenName = (a: string, b: string): number => {
  const ga = groupOf(a);
  const gb = groupOf(b);
  if (ga !== gb) return ga === '' ? 1 : gb === '' ? -1 : byName(ga, gb);
  return byName(a, b);
};

/** One chart per metric key of the given runs. */
export class ChartGrid extends Panel {
  private readonly feed: RunMetricFeed;
  private readonly toolbar: ChartToolbar;
  private readonly grid = new Panel();
  private readonly note = new Widget();
  private readonly charts = new Map<string, MetricChart>();
  /** Headings of the groups of metrics (`train/…`, `val/…`), by prefix. */
  private readonly groupHeads = new Map<string, Widget>();
  /** The charts of this grid share their crosshair. */
  private readonly syncKey = `ll-grid-${Math.random().toString(36).slice(2, 10)}`;
  private readonly keys = new Set<string>();
  private runs: ChartRun[] = [];
  private settings: ChartSettings;
  private filter = '';
  private filterText = '';
  private loading = true;
  private problems: string[] = [];
  private generation = 0;

  constructor(
    private readonly ctx: ViewerContext,
    private opts: ChartGridOptions,
  ) {
    super();
    this.addClass('ll-chart-grid');
    this.settings = settingsOfView(opts.view);
    this.filterText = opts.view?.metrics ?? '';
    this.filter = this.filterText.trim().toLowerCase();
    this.toolbar = new ChartToolbar(
      this.settings,
      {
        settings: (s) => {
          this.settings = s;
          for (const c of this.charts.values()) c.setSettings(s);
          this.opts.viewChanged?.(viewOfSettings(s, this.filterText));
        },
        filter: (text) => {
          this.filterText = text;
          this.filter = text.trim().toLowerCase();
          this.applyFilter();
          this.opts.viewChanged?.(viewOfSettings(this.settings, text));
        },
      },
      this.filterText,
    );
    this.grid.addClass('ll-chart-grid-charts');
    this.note.addClass('ll-chart-grid-note');
    this.addWidget(this.toolbar);
    this.addWidget(this.note);
    this.addWidget(this.grid);
    this.feed = new RunMetricFeed(ctx.lablog);
    this.feed.listen({
      run: (run) => this.addKeys((run.data.metrics ?? []).map((m) => m.key)),
      points: (_runId, points) => this.addKeys(points.map((p) => p.key)),
    });
    void this.load();
  }

  /** Draws another set of runs (`runs`: those of them the caller has read already). */
  setRuns(runIds: string[], runs?: WireRun[]): void {
    this.opts = { ...this.opts, runIds, ...(runs ? { runs } : {}) };
    void this.load();
  }

  /** The metric keys charted, in order. */
  get metricKeys(): string[] {
    return [...this.charts.keys()].sort(byGroupThenName);
  }

  private async load(): Promise<void> {
    const gen = ++this.generation;
    const ids = this.opts.runIds;
    this.feed.setRuns(ids);
    for (const c of this.charts.values()) c.dispose();
    this.charts.clear();
    for (const h of this.groupHeads.values()) h.dispose();
    this.groupHeads.clear();
    this.keys.clear();
    this.loading = true;
    this.problems = [];
    this.render();
    const given = new Map((this.opts.runs ?? []).map((r) => [r.info.run_id, r]));
    const got = await Promise.all(
      ids.map(async (id) => {
        try {
          return given.get(id) ?? (await this.ctx.query.getRun(id));
        } catch (err) {
          return { id, error: (err as Error).message };
        }
      }),
    );
    if (gen !== this.generation || this.isDisposed) return;
    this.runs = ids.map((id, i) => {
      const r = got[i]!;
      return { runId: id, label: 'info' in r ? runLabel(r) : id.slice(0, 8), colour: i };
    });
    this.problems = got.filter((r): r is { id: string; error: string } => 'error' in r).map((r) => `Run ${r.id}: ${r.error}`);
    this.loading = false;
    const known = this.opts.keys ?? got.flatMap((r) => ('info' in r ? ((r as WireRun).data.metrics ?? []).map((m) => m.key) : []));
    this.addKeys(known, true);
    this.render();
  }

  /** Adds charts for keys not charted yet (live: a metric logged for the first time). */
  private addKeys(keys: readonly string[], force = false): void {
    if (this.loading || this.isDisposed) {
      for (const k of keys) if (this.wants(k)) this.keys.add(k);
      return;
    }
    let added = false;
    for (const k of keys) {
      if (this.charts.has(k) || !this.wants(k)) continue;
      this.keys.add(k);
      added = true;
    }
    if (added || force) this.render();
  }

  /** True for a key this grid charts. */
  private wants(key: string): boolean {
    return (!this.opts.keys || this.opts.keys.includes(key)) && (!this.opts.keyFilter || this.opts.keyFilter(key));
  }

  private render(): void {
    if (!this.loading) {
      const order = [...this.keys].sort(byGroupThenName);
      for (const key of order) {
        if (this.charts.has(key)) continue;
        const chart = new MetricChart(this.ctx, { key, runs: this.runs, settings: this.settings, feed: this.feed, syncKey: this.syncKey });
        this.charts.set(key, chart);
      }
      this.arrange(order);
    }
    this.applyFilter();
  }

  /**
   * Puts the charts in order, grouped by the prefix of their key (`train/loss` is in `train`)
   * under a heading per group — when there is more than one group.
   */
  private arrange(order: string[]): void {
    const groups = new Set(order.map(groupOf));
    const headed = groups.size > 1;
    let i = 0;
    let current: string | null = null;
    for (const key of order) {
      const g = groupOf(key);
      if (headed && g !== current) {
        let head = this.groupHeads.get(g);
        if (!head) {
          head = new Widget({ node: document.createElement('h3') });
          head.addClass('ll-chart-group');
          head.node.textContent = g === '' ? 'Other metrics' : `${g}/`;
          head.node.dataset.group = g;
          this.groupHeads.set(g, head);
        }
        this.grid.insertWidget(i++, head);
      }
      current = g;
      this.grid.insertWidget(i++, this.charts.get(key)!);
    }
    for (const [g, head] of this.groupHeads) {
      if (headed && groups.has(g)) continue;
      head.dispose();
      this.groupHeads.delete(g);
    }
  }

  private applyFilter(): void {
    let shown = 0;
    for (const [key, chart] of this.charts) {
      const match = !this.filter || key.toLowerCase().includes(this.filter);
      chart.setHidden(!match);
      if (match) shown++;
    }
    // a group whose charts are all filtered out loses its heading too
    for (const [g, head] of this.groupHeads) head.setHidden(![...this.charts].some(([key, c]) => groupOf(key) === g && !c.isHidden));
    this.node.dataset.charts = String(this.charts.size);
    const n = this.note.node;
    n.replaceChildren();
    for (const p of this.problems) {
      const e = document.createElement('div');
      e.className = 'll-error';
      e.textContent = p;
      n.append(e);
    }
    if (this.loading) {
      n.append(Object.assign(document.createElement('div'), { className: 'll-muted', textContent: 'Loading charts…' }));
    } else if (this.charts.size === 0) {
      n.append(this.opts.empty?.() ?? emptyState(this.opts.runIds.length));
    } else if (shown === 0) {
      n.append(Object.assign(document.createElement('div'), { className: 'll-empty', textContent: `No metric name contains “${this.filter}”.` }));
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.generation++;
    this.feed.dispose();
    super.dispose();
  }
}

function emptyState(runs: number): HTMLElement {
  const box = document.createElement('div');
  box.className = 'll-empty ll-charts-empty';
  const h = document.createElement('h2');
  h.textContent = runs === 0 ? 'No runs to chart' : 'No metrics yet';
  const p = document.createElement('p');
  p.textContent = runs === 0 ? 'Pick runs to see their metrics here.' : 'Log a metric and it appears here live, one chart per metric:';
  box.append(h, p);
  if (runs > 0) {
    const pre = document.createElement('pre');
    pre.textContent = 'mlflow.log_metric("loss", loss, step=step)';
    box.append(pre);
  }
  return box;
}
