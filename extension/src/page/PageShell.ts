/**
 * The standalone page's frame: a top bar (lablog, Experiments, Models, the connection to the
 * agent), the experiment list beside the runs table, and one main view chosen by the route in
 * the URL hash — so every view is a link that can be bookmarked and shared.
 */
import { BoxPanel, Panel, Widget } from '@lumino/widgets';
import type { Navigator, RoutedView, ViewerContext } from '../widgets/context.js';
import { CompareView } from '../widgets/CompareView.js';
import { ConnectionStatus } from '../widgets/ConnectionStatus.js';
import { ExperimentList } from '../widgets/ExperimentList.js';
import { ModelsView } from '../widgets/ModelsView.js';
import { formatRoute, parseRoute, type Route } from '../widgets/routes.js';
import { RunsView } from '../widgets/RunsView.js';
import { RunView } from '../widgets/RunView.js';

type View = Widget & RoutedView;

/** Which widget class shows a route. */
function makeView(ctx: ViewerContext, route: Route): View {
  switch (route.view) {
    case 'runs':
      return new RunsView(ctx, route);
    case 'run':
      return new RunView(ctx, route);
    case 'compare':
      return new CompareView(ctx, route);
    case 'models':
    case 'model':
      return new ModelsView(ctx, route);
  }
}

/** Keeps the route in `location.hash`. */
export class HashNavigator implements Navigator {
  constructor(private readonly onChange: (r: Route) => void) {
    window.addEventListener('hashchange', () => this.onChange(this.route));
  }

  get route(): Route {
    return parseRoute(location.hash);
  }

  href(route: Route): string {
    return formatRoute(route);
  }

  go(route: Route, opts: { replace?: boolean } = {}): void {
    const hash = formatRoute(route);
    if (hash === location.hash) return;
    if (opts.replace) {
      history.replaceState(history.state, '', hash);
      this.onChange(route);
    } else {
      location.hash = hash;
    }
  }
}

/**
 * The line under the top bar while the agent does not answer: what the page shows is what was
 * read before, and may be out of date.
 */
class StaleBanner extends Widget {
  constructor(private readonly url: string) {
    super();
    this.addClass('ll-stale-banner');
    this.node.setAttribute('role', 'alert');
    this.hide();
  }

  /** Hidden while connected; when the connection goes, says since when the data may be stale. */
  setConnected(connected: boolean): void {
    if (connected) return this.hide();
    const since = new Date().toLocaleTimeString();
    this.node.textContent = `Disconnected from the agent at ${this.url} since ${since}: what you see may be out of date. Retrying…`;
    super.show();
  }
}

/** The page: top bar, sidebar, main view. */
export class PageShell extends BoxPanel {
  private readonly sidebar: ExperimentList;
  private readonly main = new Panel();
  private view: View | null = null;
  private viewKind: Route['view'] | null = null;
  private readonly sidebarToggle = document.createElement('button');
  private sidebarFolded = false;

  /** @param topExtras widgets at the end of the top bar (who is signed in, on a team server) */
  constructor(
    private readonly ctx: ViewerContext,
    topExtras: readonly Widget[] = [],
  ) {
    super({ direction: 'top-to-bottom', spacing: 0 });
    this.addClass('ll-page-shell');
    this.id = 'll-page';

    const bar = new Widget({ node: document.createElement('header') });
    bar.addClass('ll-topbar');
    const brand = document.createElement('a');
    brand.className = 'll-brand';
    brand.href = ctx.nav.href({ view: 'runs' });
    brand.textContent = 'lablog';
    const nav = document.createElement('nav');
    nav.className = 'll-topnav';
    for (const [label, route] of [
      ['Experiments', { view: 'runs' }],
      ['Models', { view: 'models' }],
    ] as const) {
      const a = document.createElement('a');
      a.textContent = label;
      a.href = ctx.nav.href(route);
      a.dataset.view = route.view;
      nav.append(a);
    }
    // the experiment list folds away (a narrow window starts with it folded)
    this.sidebarToggle.type = 'button';
    this.sidebarToggle.className = 'll-button ll-sidebar-toggle';
    this.sidebarToggle.textContent = '☰';
    this.sidebarToggle.setAttribute('aria-label', 'Show or hide the experiment list');
    this.sidebarFolded = window.innerWidth < 900;
    this.sidebarToggle.addEventListener('click', () => {
      this.sidebarFolded = !this.sidebarFolded;
      this.showRoute(ctx.nav.route);
    });
    bar.node.append(this.sidebarToggle, brand, nav);
    const status = new ConnectionStatus(ctx);
    // a plain panel laid out by CSS flex: a BoxPanel gives a child without a size basis zero width
    const top = new Panel();
    top.addClass('ll-topbar-row');
    top.addWidget(bar);
    top.addWidget(status);
    for (const w of topExtras) top.addWidget(w);
    BoxPanel.setSizeBasis(top, 40);
    const stale = new StaleBanner(ctx.query.url);
    status.connectionChanged.connect((_, up) => {
      stale.setConnected(up);
      this.toggleClass('ll-stale', !up);
    });

    const body = new BoxPanel({ direction: 'left-to-right', spacing: 0 });
    body.addClass('ll-body');
    this.sidebar = new ExperimentList(ctx, ctx.nav.route);
    this.sidebar.addClass('ll-sidebar');
    BoxPanel.setSizeBasis(this.sidebar, 240);
    BoxPanel.setStretch(this.sidebar, 0);
    this.main.addClass('ll-main');
    BoxPanel.setStretch(this.main, 1);
    body.addWidget(this.sidebar);
    body.addWidget(this.main);

    this.addWidget(top);
    this.addWidget(stale);
    this.addWidget(body);
    BoxPanel.setStretch(top, 0);
    BoxPanel.setStretch(stale, 0);
    BoxPanel.setSizeBasis(stale, 30);
    BoxPanel.setStretch(body, 1);
    this.showRoute(ctx.nav.route);
  }

  /** Shows a route: moves the current view there when it can, else replaces it. */
  showRoute(route: Route): void {
    this.sidebar.setRoute(route);
    this.sidebar.setHidden(route.view !== 'runs' || this.sidebarFolded);
    this.sidebarToggle.hidden = route.view !== 'runs';
    this.sidebarToggle.setAttribute('aria-expanded', String(!this.sidebarFolded));
    for (const a of this.node.querySelectorAll<HTMLAnchorElement>('.ll-topnav a')) {
      const active = a.dataset.view === (route.view === 'model' ? 'models' : route.view === 'models' ? 'models' : 'runs');
      a.classList.toggle('ll-active', active);
    }
    const kind = route.view === 'model' ? 'models' : route.view;
    if (this.view && this.viewKind === kind && this.view.setRoute(route)) return;
    this.view?.dispose();
    this.view = makeView(this.ctx, route);
    this.viewKind = kind;
    this.main.addWidget(this.view);
  }
}
