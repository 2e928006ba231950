/**
 * ExperimentList — the sidebar: every experiment by name, the one shown highlighted, read
 * again when the live channel announces an experiment change (a watch restricted to
 * `experiment` events, so no metric traffic reaches it). A search box narrows the list by name,
 * "New" creates an experiment (through the MLflow API), "Show deleted" lists deleted ones too.
 * Keyboard: up/down (Home/End) move between experiments, Enter opens one.
 */
import type { WireExperiment } from '@lablog/schema';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import { askFields, button } from './edit/dialogs.js';
import { refreshOnChange } from './liveRefresh.js';
import type { Route } from './routes.js';

/** The experiment list. */
export class ExperimentList extends Widget implements RoutedView {
  private readonly list = document.createElement('ul');
  private readonly note = document.createElement('div');
  private readonly search = document.createElement('input');
  private readonly showDeleted = document.createElement('input');
  private experiments: WireExperiment[] = [];
  private shown = '';
  private selectedId: string | undefined;
  private stopWatching: (() => void) | null = null;
  private reading = false;
  private again = false;

  constructor(
    private readonly ctx: ViewerContext,
    route: Route,
  ) {
    super();
    this.addClass('ll-experiment-list');
    const title = document.createElement('h2');
    title.className = 'll-sidebar-title';
    title.id = `ll-experiments-${Math.random().toString(36).slice(2, 8)}`;
    title.textContent = 'Experiments';
    const create = button('New', 'll-button ll-new-experiment');
    create.title = 'Create an experiment';
    create.addEventListener('click', () => void this.create());
    const head = document.createElement('div');
    head.className = 'll-sidebar-head';
    head.append(title, create);
    this.search.type = 'search';
    this.search.className = 'll-input ll-experiment-search';
    this.search.placeholder = 'Search experiments';
    this.search.setAttribute('aria-label', 'Search experiments by name');
    this.search.addEventListener('input', () => this.render());
    const deleted = document.createElement('label');
    deleted.className = 'll-muted ll-show-deleted';
    this.showDeleted.type = 'checkbox';
    this.showDeleted.addEventListener('change', () => void this.refresh());
    deleted.append(this.showDeleted, ' Show deleted');
    this.list.className = 'll-experiments';
    this.list.setAttribute('aria-labelledby', title.id);
    this.note.className = 'll-muted ll-experiments-note';
    this.node.append(head, this.search, this.list, this.note, deleted);
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    this.list.addEventListener('click', (e) => {
      const a = (e.target as HTMLElement).closest<HTMLAnchorElement>('a[data-id]');
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      this.open(a.dataset.id!);
    });
    this.setRoute(route);
    void this.refresh();
  }

  setRoute(route: Route): boolean {
    const id = route.view === 'runs' ? route.experimentId : undefined;
    if (id !== this.selectedId) {
      this.selectedId = id;
      this.markSelected();
    }
    return true;
  }

  /** Reads the experiments now (a read asked for during another runs after it). */
  async refresh(): Promise<void> {
    if (this.isDisposed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    try {
      const page = await this.ctx.query.searchExperiments({ viewType: this.showDeleted.checked ? 'ALL' : 'ACTIVE_ONLY' });
      this.experiments = page.items.sort((a, b) => a.name.localeCompare(b.name) || a.experiment_id.localeCompare(b.experiment_id));
      this.render();
    } catch {
      // the agent is away: keep what was read (the connection indicator says so)
    } finally {
      this.reading = false;
    }
    if (this.again) {
      this.again = false;
      void this.refresh();
    }
  }

  /** Asks for a name, creates the experiment and opens it. */
  private async create(): Promise<void> {
    let id = '';
    const done = await askFields('New experiment', [{ name: 'name', label: 'Name', required: true }], 'Create', async (v) => {
      id = await this.ctx.lablog.edits.createExperiment(v.name!);
    });
    if (!done) return;
    void this.refresh();
    this.open(id);
  }

  private render(): void {
    const needle = this.search.value.trim().toLowerCase();
    const shown = needle ? this.experiments.filter((e) => e.name.toLowerCase().includes(needle)) : this.experiments;
    const key = JSON.stringify(shown.map((e) => [e.experiment_id, e.name, e.lifecycle_stage]));
    if (key === this.shown) return;
    this.shown = key;
    const focused = this.list.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.id : undefined;
    const items = shown.map((exp) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.className = 'll-experiment';
      a.dataset.id = exp.experiment_id;
      const href = this.ctx.nav.href({ view: 'runs', experimentId: exp.experiment_id });
      if (href !== null) a.href = href;
      a.tabIndex = -1;
      a.title = `${exp.name} (experiment ${exp.experiment_id})`;
      const name = document.createElement('span');
      name.className = 'll-experiment-name';
      name.textContent = exp.name;
      a.append(name);
      if (exp.lifecycle_stage === 'deleted') {
        a.classList.add('ll-deleted');
        a.append(Object.assign(document.createElement('span'), { className: 'll-status ll-status-deleted', textContent: 'deleted' }));
      }
      li.append(a);
      return li;
    });
    this.list.replaceChildren(...items);
    this.note.textContent = items.length ? '' : needle ? `No experiment name contains “${this.search.value.trim()}”.` : 'No experiments yet.';
    this.markSelected();
    if (focused) this.item(focused)?.focus();
  }

  private item(id: string): HTMLAnchorElement | null {
    return this.list.querySelector<HTMLAnchorElement>(`a[data-id="${CSS.escape(id)}"]`);
  }

  private markSelected(): void {
    const links = [...this.list.querySelectorAll<HTMLAnchorElement>('a[data-id]')];
    for (const a of links) {
      const on = a.dataset.id === this.selectedId;
      a.classList.toggle('ll-selected', on);
      if (on) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    // one tab stop: the selected experiment, else the first
    const stop = links.find((a) => a.dataset.id === this.selectedId) ?? links[0];
    if (stop && !links.some((a) => a.tabIndex === 0 && a === document.activeElement)) {
      for (const a of links) a.tabIndex = a === stop ? 0 : -1;
    }
  }

  private open(id: string): void {
    this.ctx.nav.go({ view: 'runs', experimentId: id });
  }

  private onKey(e: KeyboardEvent): void {
    const links = [...this.list.querySelectorAll<HTMLAnchorElement>('a[data-id]')];
    const i = links.indexOf(e.target as HTMLAnchorElement);
    if (i < 0) return;
    let next: HTMLAnchorElement | undefined;
    switch (e.key) {
      case 'ArrowDown':
        next = links[i + 1];
        break;
      case 'ArrowUp':
        next = links[i - 1];
        break;
      case 'Home':
        next = links[0];
        break;
      case 'End':
        next = links[links.length - 1];
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        this.open(links[i]!.dataset.id!);
        return;
      default:
        return;
    }
    e.preventDefault();
    if (!next) return;
    for (const a of links) a.tabIndex = a === next ? 0 : -1;
    next.focus();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.stopWatching ??= refreshOnChange(this.ctx, ['experiment'], () => void this.refresh());
    void this.refresh();
  }

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.refresh();
  }

  protected override onBeforeDetach(msg: Message): void {
    this.stopWatching?.();
    this.stopWatching = null;
    super.onBeforeDetach(msg);
  }

  override dispose(): void {
    this.stopWatching?.();
    this.stopWatching = null;
    super.dispose();
  }
}
