/**
 * NotebookRuns — the runs started from one notebook (tag `mlflow.source.name` = its path),
 * newest first, then the rest of the experiment of its latest run; live: a run appears the
 * moment it starts and its status follows. Rows can be picked for comparison.
 */
import type { WireRun } from '@lablog/schema';
import { Widget } from '@lumino/widgets';
import type { ViewerContext } from './context.js';
import { refreshOnChange } from './liveRefresh.js';
import { formatDuration, formatTime, runDuration, runLabel } from './format.js';

const SHOWN = 50;

/** The runs list of the JupyterLab panel. */
export class NotebookRuns extends Widget {
  private notebookPath: string | null = null;
  private mine: WireRun[] = [];
  private others: WireRun[] = [];
  private experimentName = '';
  private readonly selected = new Set<string>();
  private stopWatching: (() => void) | null = null;
  private tick: ReturnType<typeof setInterval> | null = null;
  private loading = 0;
  private error: string | null = null;

  constructor(private readonly ctx: ViewerContext) {
    super();
    this.addClass('ll-notebook-runs');
    this.render();
  }

  /** Shows the runs of another notebook (null: none is active). */
  setNotebook(path: string | null): void {
    if (path === this.notebookPath) return;
    this.notebookPath = path;
    this.mine = [];
    this.others = [];
    this.selected.clear();
    this.render();
    if (this.isAttached) void this.refresh();
  }

  /** Reads the runs again (after the agent came back, say). */
  async refresh(): Promise<void> {
    const path = this.notebookPath;
    const n = ++this.loading;
    try {
      const experiments = await this.ctx.query.searchExperiments({ maxResults: 1000 });
      const ids = experiments.items.map((e) => e.experiment_id);
      let mine: WireRun[] = [];
      let others: WireRun[] = [];
      let experimentName = '';
      if (ids.length > 0 && path) {
        const q = path.includes("'") ? `"${path.replace(/"/g, '\\"')}"` : `'${path}'`;
        mine = (await this.ctx.query.searchRuns({ experimentIds: ids, filter: `tags."mlflow.source.name" = ${q}`, orderBy: ['attributes.start_time DESC'], maxResults: SHOWN })).items;
      }
      const exp = mine[0]?.info.experiment_id;
      if (exp !== undefined) {
        experimentName = experiments.items.find((e) => e.experiment_id === exp)?.name ?? exp;
        const ownIds = new Set(mine.map((r) => r.info.run_id));
        others = (await this.ctx.query.searchRuns({ experimentIds: [exp], orderBy: ['attributes.start_time DESC'], maxResults: SHOWN })).items.filter((r) => !ownIds.has(r.info.run_id));
      }
      if (n !== this.loading || path !== this.notebookPath) return;
      this.mine = mine;
      this.others = others;
      this.experimentName = experimentName;
      this.error = null;
    } catch (err) {
      if (n !== this.loading) return;
      this.error = (err as Error).message;
    }
    this.render();
  }

  /** Watches again through the context's current client (after it was replaced) and reads the list again. */
  reconnect(): void {
    this.stopWatching?.();
    this.stopWatching = null;
    if (this.isAttached) this.startWatching();
    void this.refresh();
  }

  protected override onAfterAttach(): void {
    this.startWatching();
    this.tick = setInterval(() => this.updateDurations(), 1000);
    void this.refresh();
  }

  protected override onBeforeDetach(): void {
    this.stopWatching?.();
    this.stopWatching = null;
    if (this.tick) clearInterval(this.tick);
    this.tick = null;
  }

  private startWatching(): void {
    // a run started, changed state or was tagged: read the list again (coalesced)
    this.stopWatching ??= refreshOnChange(this.ctx, ['run', 'tags'], () => void this.refresh());
  }

  private updateDurations(): void {
    const now = Date.now();
    for (const el of this.node.querySelectorAll<HTMLElement>('[data-running-since]')) {
      el.textContent = formatDuration(now - Number(el.dataset.runningSince));
    }
  }

  private render(): void {
    const root = document.createElement('div');
    if (this.error) {
      const e = document.createElement('div');
      e.className = 'll-error';
      e.textContent = this.error;
      root.append(e);
    }
    if (!this.notebookPath) {
      root.append(empty('No notebook is active', 'Open a notebook: the runs it starts appear here, live.'));
    } else {
      root.append(section(`This notebook`, this.notebookPath));
      if (this.mine.length === 0) {
        const box = empty('No runs from this notebook yet', 'Its kernel already logs to lablog. Start one in a cell:');
        const pre = document.createElement('pre');
        pre.textContent = "import mlflow\nwith mlflow.start_run():\n    mlflow.log_metric('loss', 0.5, step=0)";
        box.append(pre);
        root.append(box);
      } else root.append(this.table(this.mine, 'mine'));
      if (this.others.length > 0) {
        root.append(section(`Rest of experiment`, this.experimentName));
        root.append(this.table(this.others, 'others'));
      }
    }
    const bar = document.createElement('div');
    bar.className = 'll-notebook-runs-bar';
    const compare = document.createElement('button');
    compare.className = 'll-button ll-primary';
    compare.textContent = `Compare (${this.selected.size})`;
    compare.disabled = this.selected.size < 2;
    compare.addEventListener('click', () => this.ctx.nav.go({ view: 'compare', runIds: [...this.selected] }));
    bar.append(compare);
    root.prepend(bar);
    this.node.replaceChildren(root);
  }

  private table(runs: WireRun[], kind: string): HTMLTableElement {
    const t = document.createElement('table');
    t.className = 'll-table ll-notebook-runs-table';
    t.dataset.kind = kind;
    const body = t.createTBody();
    const now = Date.now();
    for (const run of runs) {
      const id = run.info.run_id;
      const tr = body.insertRow();
      tr.dataset.runId = id;
      const pick = document.createElement('input');
      pick.type = 'checkbox';
      pick.checked = this.selected.has(id);
      pick.setAttribute('aria-label', `select ${runLabel(run)} for comparison`);
      pick.addEventListener('change', () => {
        if (pick.checked) this.selected.add(id);
        else this.selected.delete(id);
        this.render();
      });
      tr.insertCell().append(pick);
      const name = document.createElement('a');
      name.href = this.ctx.nav.href({ view: 'run', runId: id });
      name.textContent = runLabel(run);
      tr.insertCell().append(name);
      const status = document.createElement('span');
      status.className = `ll-status ll-status-${run.info.status}`;
      status.textContent = run.info.status.toLowerCase();
      tr.insertCell().append(status);
      const when = tr.insertCell();
      when.className = 'll-muted';
      when.textContent = formatTime(run.info.start_time).slice(5, 16);
      const dur = tr.insertCell();
      dur.className = 'll-num';
      if (run.info.status === 'RUNNING' && run.info.start_time) dur.dataset.runningSince = String(run.info.start_time);
      dur.textContent = formatDuration(runDuration(run, now));
    }
    return t;
  }
}

function section(title: string, detail: string): HTMLElement {
  const h = document.createElement('h3');
  h.className = 'll-section';
  h.textContent = title;
  const d = document.createElement('span');
  d.className = 'll-muted';
  d.textContent = ` ${detail}`;
  h.append(d);
  return h;
}

function empty(title: string, text: string): HTMLElement {
  const box = document.createElement('div');
  box.className = 'll-empty';
  const h = document.createElement('h2');
  h.textContent = title;
  const p = document.createElement('p');
  p.textContent = text;
  box.append(h, p);
  return box;
}
