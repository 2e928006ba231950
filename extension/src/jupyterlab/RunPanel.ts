/**
 * The run panel in JupyterLab's right sidebar: the agent's connection state, the runs of the
 * active notebook (then the rest of its experiment), live; a run opens in place (charts,
 * params, tags, artifacts with the notebook snapshot and execution log); picked runs compare.
 * It is lablog's widgets in a narrow frame, with an in-memory back stack.
 */
import { Panel, Widget } from '@lumino/widgets';
import { CompareView } from '../widgets/CompareView.js';
import { ConnectionStatus } from '../widgets/ConnectionStatus.js';
import type { RoutedView, ViewerContext } from '../widgets/context.js';
import { NotebookRuns } from '../widgets/NotebookRuns.js';
import type { Route } from '../widgets/routes.js';
import { RunView } from '../widgets/RunView.js';
import { PanelNavigator } from './PanelNavigator.js';

/** The sidebar panel. */
export class RunPanel extends Panel {
  readonly nav: PanelNavigator;
  private readonly ctx: ViewerContext;
  private readonly status: ConnectionStatus;
  private readonly bar = new Widget();
  private readonly runs: NotebookRuns;
  private readonly content = new Panel();
  private view: (Widget & RoutedView) | null = null;

  /**
   * @param base gives the current client (read on every use, so new settings reach every view)
   * @param settingsRead resolves once the user's settings are read: nothing reaches the agent before
   */
  constructor(
    private readonly base: () => Omit<ViewerContext, 'nav'>,
    settingsRead: Promise<void>,
  ) {
    super();
    this.id = 'lablog-run-panel';
    this.addClass('ll-theme');
    this.addClass('ll-jp');
    this.addClass('ll-run-panel');
    this.title.caption = 'lablog runs';
    this.nav = new PanelNavigator({ view: 'runs' }, (r) => this.showRoute(r));
    const self = this;
    // views read the client through these getters, so new settings reach them all
    this.ctx = {
      get lablog() {
        return self.base().lablog;
      },
      get query() {
        return self.base().query;
      },
      nav: this.nav,
    };
    this.status = new ConnectionStatus(this.ctx, settingsRead);
    this.status.connectionChanged.connect((_, up) => {
      if (up) void this.runs.refresh();
    });
    this.bar.addClass('ll-panel-bar');
    this.runs = new NotebookRuns(this.ctx);
    this.content.addClass('ll-panel-content');
    this.addWidget(this.status);
    this.addWidget(this.bar);
    this.addWidget(this.content);
    // the list reads and watches as soon as it is attached: not before the settings say where the agent is
    void settingsRead.then(() => this.content.insertWidget(0, this.runs));
    this.node.addEventListener('click', this.nav.linkHandler());
    this.renderBar();
  }

  /** The client was replaced (the agent URL or token changed): the list reconnects, open views start again. */
  clientChanged(): void {
    this.status.recheck();
    this.runs.reconnect();
    this.nav.home();
  }

  /** The notebook whose runs are listed (null when no notebook is active). */
  setNotebook(path: string | null): void {
    this.runs.setNotebook(path);
  }

  /** Shows a route in the panel: the runs list for the home route, else a run or a comparison. */
  private showRoute(route: Route): void {
    this.renderBar();
    if (route.view === 'runs' || route.view === 'models' || route.view === 'model') {
      this.view?.dispose();
      this.view = null;
      this.runs.show();
      return;
    }
    if (this.view?.setRoute(route)) return;
    this.view?.dispose();
    this.runs.hide();
    this.view = route.view === 'compare' ? new CompareView(this.ctx, route) : new RunView(this.ctx, route);
    this.content.addWidget(this.view);
  }

  private renderBar(): void {
    const back = document.createElement('button');
    back.className = 'll-button';
    back.textContent = '← Runs';
    back.disabled = !this.nav.canGoBack;
    back.addEventListener('click', () => this.nav.home());
    const prev = document.createElement('button');
    prev.className = 'll-button';
    prev.textContent = 'Back';
    prev.disabled = !this.nav.canGoBack;
    prev.addEventListener('click', () => this.nav.back());
    this.bar.node.replaceChildren(back, prev);
  }
}
