/**
 * RunView — one run: a header (name, status, experiment, times), then tabs: Overview (info,
 * params, tags, dataset inputs, model versions from the run), Charts (one live chart per
 * metric) and Artifacts (browser with previews). The tab and the open artifact are in the route.
 */
import type { WireRun } from '@lablog/schema';
import { Panel, Widget } from '@lumino/widgets';
import { ArtifactBrowser } from './ArtifactBrowser.js';
import { ChartGrid } from './ChartGrid.js';
import type { RoutedView, ViewerContext } from './context.js';
import { runLabel } from './format.js';
import type { Route, RunTab } from './routes.js';

type RunRoute = Extract<Route, { view: 'run' }>;

const TABS: ReadonlyArray<[RunTab, string]> = [
  ['overview', 'Overview'],
  ['charts', 'Charts'],
  ['artifacts', 'Artifacts'],
];

/** The run page. */
export class RunView extends Panel implements RoutedView {
  private route: RunRoute;
  private run: WireRun | null = null;
  private readonly header = new Widget();
  private readonly tabBar = new Widget();
  private readonly body = new Panel();
  private content: Widget | null = null;
  private contentTab: RunTab | null = null;

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
    void this.load();
  }

  setRoute(route: Route): boolean {
    if (route.view !== 'run' || route.runId !== this.route.runId) return false;
    this.route = route;
    this.showTab();
    return true;
  }

  private async load(): Promise<void> {
    try {
      this.run = await this.ctx.query.getRun(this.route.runId);
    } catch (err) {
      this.header.node.innerHTML = '';
      const e = document.createElement('div');
      e.className = 'll-error';
      e.textContent = (err as Error).message;
      this.header.node.append(e);
      return;
    }
    this.renderHeader();
    this.showTab();
  }

  private renderHeader(): void {
    const run = this.run;
    if (!run) return;
    const h = document.createElement('h1');
    h.textContent = runLabel(run);
    this.header.node.replaceChildren(h);
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
    if (tab === 'charts') this.content = new ChartGrid(this.ctx, { runIds: [runId] });
    else if (tab === 'artifacts')
      this.content = new ArtifactBrowser(this.ctx, {
        runId,
        ...(this.route.artifact ? { path: this.route.artifact } : {}),
        onOpen: (path) => this.ctx.nav.go({ view: 'run', runId, tab: 'artifacts', artifact: path }, { replace: true }),
      });
    else this.content = this.overview(this.run);
    this.body.addWidget(this.content);
  }

  /** Info, params, tags, dataset inputs, model versions. (To be filled in.) */
  private overview(run: WireRun): Widget {
    const w = new Widget();
    w.addClass('ll-run-overview');
    w.node.textContent = JSON.stringify(run.info);
    return w;
  }
}
