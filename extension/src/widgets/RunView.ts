/**
 * RunView — one run: a header (name, status, experiment, start, duration, user, source, parent),
 * then tabs: Overview (info, metrics, params, tags, dataset inputs, model versions from the run,
 * logged models), Charts (one live chart per metric of the run's own), System (the `system/…`
 * metrics: the agent's samples of a notebook run's kernel, host and GPUs, or a script's
 * `mlflow.enable_system_metrics_logging()`), Figures (the images under `figures/`), Logs (the
 * console output under `logs/`, searchable) and Artifacts (browser with previews). The tab, the
 * open artifact and the log search are in the route. The run is watched while the page is open, so
 * status, params, tags and inputs change in place.
 */
import { isSystemMetric, type WireRun } from '@lablog/schema';
import { applyLiveEvent, type Watcher } from '@lablog/client';
import { Panel, Widget } from '@lumino/widgets';
import { ArtifactBrowser } from './ArtifactBrowser.js';
import { ChartGrid } from './ChartGrid.js';
import type { RoutedView, ViewerContext } from './context.js';
import type { Route, RunTab } from './routes.js';
import type { RunDetails } from './run/RunDetails.js';
import { FiguresView } from './run/FiguresView.js';
import { LogView } from './run/LogView.js';
import { RunActions } from './run/runActions.js';
import { parentRunId } from './run/runFacts.js';
import { renderRunHeader, tickDuration } from './run/runHeader.js';
import { RunOverview } from './run/RunOverview.js';

type RunRoute = Extract<Route, { view: 'run' }>;

const TABS: ReadonlyArray<[RunTab, string]> = [
  ['overview', 'Overview'],
  ['charts', 'Charts'],
  ['system', 'System'],
  ['figures', 'Figures'],
  ['logs', 'Logs'],
  ['artifacts', 'Artifacts'],
];

/** The run page. */
export class RunView extends Panel implements RoutedView {
  private route: RunRoute;
  private run: WireRun | null = null;
  private details: RunDetails = {};
  private readonly header = new Widget();
  private readonly tabBar = new Widget();
  private readonly body = new Panel();
  private content: Widget | null = null;
  private contentTab: RunTab | null = null;
  private watcher: Watcher | null = null;
  private frame = 0;
  private clock: ReturnType<typeof setInterval> | null = null;
  private headerState = '';
  /** Rename, describe, tag, delete/restore; the run is read again after each. */
  private readonly actions: RunActions;

  constructor(
    private readonly ctx: ViewerContext,
    route: Route,
  ) {
    super();
    this.addClass('ll-run-view');
    this.route = route as RunRoute;
    this.header.addClass('ll-run-header');
    this.tabBar.addClass('ll-tabs');
    this.tabBar.node.setAttribute('role', 'tablist');
    this.body.addClass('ll-run-body');
    this.addWidget(this.header);
    this.addWidget(this.tabBar);
    this.addWidget(this.body);
    this.actions = new RunActions(ctx.lablog.edits, ctx.query, () => void this.reread());
    void this.load();
  }

  /** Reads the run again (after an action: servers without a live feed show it too). */
  private async reread(): Promise<void> {
    try {
      const run = await this.ctx.query.getRun(this.route.runId);
      if (this.isDisposed) return;
      this.run = run;
      this.scheduleRender();
      // (a version registered from it shows in its model versions)
      void this.loadDetails(run);
    } catch {
      // the live feed, or the next visit, shows it
    }
  }

  setRoute(route: Route): boolean {
    if (route.view !== 'run' || route.runId !== this.route.runId) return false;
    this.route = route;
    this.showTab();
    return true;
  }

  private async load(): Promise<void> {
    const runId = this.route.runId;
    try {
      this.run = await this.ctx.query.getRun(runId);
    } catch (err) {
      if (this.isDisposed) return;
      const e = document.createElement('div');
      e.className = 'll-error';
      e.textContent = (err as Error).message;
      this.header.node.replaceChildren(e);
      return;
    }
    if (this.isDisposed) return;
    this.renderTabs();
    this.render();
    this.showTab();
    this.watch(runId);
    void this.loadDetails(this.run);
  }

  /** The experiment's and parent's names and the model versions from this run. */
  private async loadDetails(run: WireRun): Promise<void> {
    const parent = parentRunId(run);
    const [experiment, parentRun, versions] = await Promise.all([
      this.ctx.query.getExperiment(run.info.experiment_id).catch(() => null),
      parent ? this.ctx.query.getRun(parent).catch(() => null) : Promise.resolve(null),
      this.readModelVersions(run.info.run_id),
    ]);
    if (this.isDisposed) return;
    this.details = {
      ...(experiment ? { experimentName: experiment.name } : {}),
      ...(parentRun ? { parentName: parentRun.info.run_name || parentRun.info.run_id.slice(0, 8) } : {}),
      modelVersions: versions,
    };
    this.scheduleRender();
  }

  private async readModelVersions(runId: string): Promise<RunDetails['modelVersions']> {
    try {
      const all = [];
      let pageToken: string | undefined;
      do {
        const page = await this.ctx.query.searchModelVersions({ filter: `run_id = '${runId}'`, ...(pageToken ? { pageToken } : {}) });
        all.push(...page.items);
        pageToken = page.nextPageToken;
      } while (pageToken);
      return all;
    } catch (err) {
      return `The model registry could not be read: ${(err as Error).message}`;
    }
  }

  /** Follows the run's changes while the page is open. */
  private watch(runId: string): void {
    const w = this.ctx.lablog.watch({ run: runId });
    this.watcher = w;
    void (async () => {
      try {
        for await (const ev of w) {
          if (!this.run) continue;
          if (ev.kind === 'snapshot') {
            const now = ev.runs.find((r) => r.info.run_id === runId);
            if (now) this.run = now;
          } else if (ev.kind === 'registry') {
            void this.readModelVersions(runId).then((v) => {
              this.details = { ...this.details, modelVersions: v };
              this.scheduleRender();
            });
          } else if (ev.kind !== 'gap') this.run = applyLiveEvent(this.run, ev);
          this.scheduleRender();
        }
      } catch {
        // no live channel (a plain MLflow server): the page shows the run as read
      }
    })();
  }

  /** Renders once per frame however many changes arrive. */
  private scheduleRender(): void {
    if (this.frame || this.isDisposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.isDisposed) this.render();
    });
  }

  private render(): void {
    const run = this.run;
    if (!run) return;
    // metrics stream in far more often than the header changes: rebuild it only when it does
    const headerState = JSON.stringify([run.info, run.data.tags, this.details.experimentName, this.details.parentName]);
    if (headerState !== this.headerState) {
      this.headerState = headerState;
      renderRunHeader(this.header.node, run, this.details, this.ctx.nav, this.actions);
    }
    if (this.content instanceof RunOverview) this.content.showRun(run, this.details);
    // a running run's duration ticks
    const running = run.info.status === 'RUNNING';
    if (running && !this.clock) {
      this.clock = setInterval(() => {
        if (!this.run) return;
        tickDuration(this.header.node, this.run);
        if (this.content instanceof RunOverview) this.content.tick(this.run);
      }, 1000);
    } else if (!running && this.clock) {
      clearInterval(this.clock);
      this.clock = null;
    }
  }

  private renderTabs(): void {
    this.tabBar.node.replaceChildren(
      ...TABS.map(([tab, label]) => {
        const b = document.createElement('button');
        b.className = 'll-tab';
        b.setAttribute('role', 'tab');
        b.dataset.tab = tab;
        b.textContent = label;
        b.addEventListener('click', () => this.ctx.nav.go({ view: 'run', runId: this.route.runId, tab }));
        return b;
      }),
    );
  }

  private showTab(): void {
    if (!this.run) return;
    const tab = this.route.tab ?? 'overview';
    for (const b of this.tabBar.node.querySelectorAll<HTMLElement>('.ll-tab')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
    if (this.contentTab === tab && this.content) {
      if (this.content instanceof ArtifactBrowser) this.content.open(this.route.artifact);
      return;
    }
    this.content?.dispose();
    this.contentTab = tab;
    const runId = this.route.runId;
    if (tab === 'charts' || tab === 'system') {
      const system = tab === 'system';
      this.content = new ChartGrid(this.ctx, {
        runIds: [runId],
        runs: [this.run],
        keyFilter: system ? isSystemMetric : (key) => !isSystemMetric(key),
        ...(system ? { empty: systemEmptyState } : {}),
        ...(this.route.chart ? { view: this.route.chart } : {}),
        // the chart settings live in the URL: a reload or a shared link draws the same
        viewChanged: (chart) => {
          this.route = { ...this.route, chart };
          this.ctx.nav.go(this.route, { replace: true });
        },
      });
    } else if (tab === 'figures') {
      this.content = new FiguresView(this.ctx, runId, (artifact) => this.ctx.nav.go({ view: 'run', runId, tab: 'artifacts', artifact }));
    } else if (tab === 'logs') {
      this.content = new LogView(this.ctx, runId, this.route.find ?? '', (find) => {
        const { find: _old, ...rest } = this.route;
        this.route = find ? { ...rest, find } : rest;
        this.ctx.nav.go(this.route, { replace: true });
      });
    } else if (tab === 'artifacts') {
      this.content = new ArtifactBrowser(this.ctx, {
        runId,
        ...(this.route.artifact ? { path: this.route.artifact } : {}),
        onOpen: (path) => this.ctx.nav.go({ view: 'run', runId, tab: 'artifacts', artifact: path }, { replace: true }),
      });
    } else {
      const overview = new RunOverview(this.ctx.nav, this.actions);
      overview.showRun(this.run, this.details);
      this.content = overview;
    }
    this.body.addWidget(this.content);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    void this.watcher?.return();
    this.watcher = null;
    cancelAnimationFrame(this.frame);
    if (this.clock) clearInterval(this.clock);
    this.clock = null;
    super.dispose();
  }
}

/** The System tab of a run that has no `system/` metric. */
function systemEmptyState(): HTMLElement {
  const box = document.createElement('div');
  box.className = 'll-empty ll-charts-empty';
  const h = document.createElement('h2');
  h.textContent = 'No system metrics';
  const p = document.createElement('p');
  p.textContent =
    'A run started from a notebook linked to lablog gets its kernel’s CPU, memory and threads, the host’s CPU, memory, disk and network, and its GPUs, sampled every 10 s while it is active. From a script:';
  const pre = document.createElement('pre');
  pre.textContent = 'mlflow.enable_system_metrics_logging()';
  box.append(h, p, pre);
  return box;
}

