/**
 * The run page's Overview tab: info, latest metrics, params, tags (MLflow's own `mlflow.*` tags
 * apart), dataset inputs, the registered model versions made from the run and the models it
 * logged. Shown again whenever the run changes; a section is rebuilt only when what it shows
 * changed, so a run logging metrics does not steal the focus from the params table.
 */
import { NOTE_TAG } from '@lablog/client';
import { isSystemMetric, type WireRun } from '@lablog/schema';
import { Widget } from '@lumino/widgets';
import type { Navigator } from '../context.js';
import { formatDuration, formatNumber, formatTime, metricNumber, runDuration, runUser, tagOf } from '../format.js';
import { button } from '../edit/dialogs.js';
import { renderMarkdown } from '../previews/markdown.js';
import type { RunActions } from './runActions.js';
import type { RunDetails } from './RunDetails.js';
import { loggedModels, parentRunId, sourceOf, splitTags, type LoggedModelRef } from './runFacts.js';
import { routeLink, section, statusBadge, table, type Cell } from './tables.js';

type Section = { name: string; signature: string; render: () => HTMLElement };

/** The Overview tab of a run. */
export class RunOverview extends Widget {
  private readonly shown = new Map<string, { signature: string; el: HTMLElement }>();

  /** @param actions the edits offered (description, tags); none where the run is only shown */
  constructor(
    private readonly nav: Navigator,
    private readonly actions?: RunActions,
  ) {
    super();
    this.addClass('ll-run-overview');
  }

  /** Shows `run` (with what else is known about it). */
  showRun(run: WireRun, details: RunDetails): void {
    const sections = this.sections(run, details);
    const kept = new Set<string>();
    let prev: HTMLElement | null = null;
    for (const s of sections) {
      kept.add(s.name);
      let cur = this.shown.get(s.name);
      if (!cur || cur.signature !== s.signature) {
        const el = s.render();
        if (cur) cur.el.replaceWith(el);
        cur = { signature: s.signature, el };
        this.shown.set(s.name, cur);
      }
      // keep the sections in order (a new one goes after the previous)
      if (prev ? prev.nextSibling !== cur.el : this.node.firstChild !== cur.el) {
        if (prev) prev.after(cur.el);
        else this.node.prepend(cur.el);
      }
      prev = cur.el;
    }
    for (const [name, s] of this.shown) {
      if (kept.has(name)) continue;
      s.el.remove();
      this.shown.delete(name);
    }
  }

  /** What the metrics table is narrowed to (kept while the run logs and the table is rebuilt). */
  private metricSearch = '';

  /** A search box over the metrics table: rows whose key does not contain the text are hidden. */
  private addMetricSearch(s: HTMLElement): void {
    const old = this.node.querySelector<HTMLInputElement>('[data-section="metrics"] .ll-metric-search');
    const hadFocus = old !== null && old === document.activeElement;
    const caret = old?.selectionStart ?? null;
    const input = document.createElement('input');
    input.type = 'search';
    input.className = 'll-input ll-metric-search';
    input.placeholder = 'Search metrics';
    input.setAttribute('aria-label', 'Search metrics by name');
    input.value = this.metricSearch;
    const apply = (): void => {
      const needle = input.value.trim().toLowerCase();
      for (const tr of s.querySelectorAll<HTMLTableRowElement>('tbody tr')) tr.hidden = needle !== '' && !(tr.dataset.key ?? '').toLowerCase().includes(needle);
    };
    input.addEventListener('input', () => {
      this.metricSearch = input.value;
      apply();
    });
    s.querySelector('h2')?.after(input);
    apply();
    // the table is rebuilt as the run logs: whoever was typing keeps typing
    if (hadFocus)
      queueMicrotask(() => {
        input.focus();
        if (caret !== null) input.setSelectionRange(caret, caret);
      });
  }

  /** Updates the duration of a running run in the info table. */
  tick(run: WireRun): void {
    const td = this.node.querySelector('[data-section="info"] tr[data-key="duration"] td:last-child');
    if (td) td.textContent = formatDuration(runDuration(run));
  }

  private sections(run: WireRun, d: RunDetails): Section[] {
    const tags = splitTags(run);
    const params = [...(run.data.params ?? [])].sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
    // the run's own metrics; system/… (sampled by lablog or MLflow's system metrics) have their own tab
    const all = run.data.metrics ?? [];
    const metrics = all.filter((m) => !isSystemMetric(m.key)).sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
    const systemCount = all.length - metrics.length;
    const inputs = run.inputs.dataset_inputs ?? [];
    const models = loggedModels(run);
    const note = tagOf(run, NOTE_TAG);
    const out: Section[] = [
      { name: 'description', signature: JSON.stringify([note ?? null, run.info.lifecycle_stage]), render: () => this.description(run, note) },
      { name: 'info', signature: JSON.stringify([run.info, sourceOf(run), parentRunId(run), d.experimentName, d.parentName, tagOf(run, 'mlflow.source.git.commit')]), render: () => this.info(run, d) },
      {
        name: 'metrics',
        signature: JSON.stringify([metrics, systemCount]),
        render: () => {
          const s = section(
            `Metrics (${metrics.length})`,
            'metrics',
            metrics.length
              ? table(
                  ['Metric', 'Latest', 'Step', 'Logged'],
                  metrics.map((m) => [m.key, formatNumber(metricNumber(m.value)), String(m.step), formatTime(m.timestamp)]),
                  { columnClasses: [undefined, 'll-num', 'll-num', undefined], rowKeys: metrics.map((m) => m.key) },
                )
              : 'No metrics logged yet.',
          );
          if (metrics.length > 1) this.addMetricSearch(s);
          if (systemCount) s.append(Object.assign(document.createElement('p'), { className: 'll-muted ll-system-count', textContent: `and ${systemCount} system metrics (CPU, memory, GPU…): see the System tab.` }));
          return s;
        },
      },
      {
        name: 'params',
        signature: JSON.stringify(params),
        render: () =>
          section(
            `Parameters (${params.length})`,
            'params',
            params.length ? table(['Parameter', 'Value'], params.map((p) => [p.key, p.value]), { className: 'll-kv', rowKeys: params.map((p) => p.key) }) : 'No parameters logged.',
          ),
      },
      {
        name: 'tags',
        signature: JSON.stringify(tags),
        render: () => this.tags(run, tags),
      },
      {
        name: 'inputs',
        signature: JSON.stringify(inputs),
        render: () =>
          section(
            `Dataset inputs (${inputs.length})`,
            'inputs',
            inputs.length
              ? table(
                  ['Dataset', 'Digest', 'Source type', 'Context', 'Source'],
                  inputs.map((i) => [i.dataset.name, i.dataset.digest, i.dataset.source_type, i.tags?.find((t) => t.key === 'mlflow.data.context')?.value ?? '', i.dataset.source]),
                  { columnClasses: [undefined, 'll-mono', undefined, undefined, 'll-mono'], rowKeys: inputs.map((i) => `${i.dataset.name}@${i.dataset.digest}`) },
                )
              : 'No datasets logged (mlflow.log_input).',
          ),
      },
      { name: 'model-versions', signature: JSON.stringify(d.modelVersions ?? null), render: () => this.modelVersions(run, d) },
    ];
    if (models.length) {
      out.push({
        name: 'logged-models',
        signature: JSON.stringify(models),
        render: () =>
          section(
            `Logged models (${models.length})`,
            'logged-models',
            table(
              this.actions ? ['Model', 'Flavors', 'Created', ''] : ['Model', 'Flavors', 'Created'],
              models.map((m): Cell[] => {
                const cells: Cell[] = [
                  m.artifactPath ? routeLink(this.nav, { view: 'run', runId: run.info.run_id, tab: 'artifacts', artifact: m.artifactPath }, m.name) : m.name,
                  m.flavors.join(', '),
                  m.created ?? (m.step !== undefined ? `step ${m.step}` : ''),
                ];
                if (this.actions) cells.push(this.registerButton(run, m));
                return cells;
              }),
              { rowKeys: models.map((m) => m.name) },
            ),
          ),
      });
    }
    return out;
  }

  /** "Register model" for one logged model: a version of a registered model made from it. */
  private registerButton(run: WireRun, m: LoggedModelRef): HTMLElement {
    const tools = document.createElement('span');
    tools.className = 'll-row-actions';
    const b = button('Register model');
    b.dataset.action = 'register-model';
    b.setAttribute('aria-label', `Register ${m.name} in the model registry`);
    b.addEventListener('click', () => void this.actions?.register(run, m));
    tools.append(b);
    return tools;
  }

  private info(run: WireRun, d: RunDetails): HTMLElement {
    const i = run.info;
    const rows: Array<[string, string, Cell]> = [
      ['run_id', 'Run ID', i.run_id],
      ['run_name', 'Name', i.run_name],
      ['experiment', 'Experiment', routeLink(this.nav, { view: 'runs', experimentId: i.experiment_id }, d.experimentName ? `${d.experimentName} (${i.experiment_id})` : i.experiment_id)],
      ['status', 'Status', statusBadge(i.status)],
      ['start_time', 'Started', formatTime(i.start_time)],
      ['end_time', 'Ended', formatTime(i.end_time)],
      ['duration', 'Duration', formatDuration(runDuration(run))],
      ['user_id', 'User', runUser(run)],
      ['source', 'Source', sourceOf(run)],
    ];
    const commit = tagOf(run, 'mlflow.source.git.commit');
    if (commit) rows.push(['git_commit', 'Git commit', commit]);
    const parent = parentRunId(run);
    if (parent) rows.push(['parent', 'Parent run', routeLink(this.nav, { view: 'run', runId: parent }, d.parentName ?? parent)]);
    if (i.lifecycle_stage !== 'active') rows.push(['lifecycle_stage', 'Lifecycle', i.lifecycle_stage]);
    rows.push(['artifact_uri', 'Artifacts', i.artifact_uri]);
    const shown = rows.filter(([, , v]) => v !== '');
    return section('Run', 'info', table(['Field', 'Value'], shown.map(([, label, v]) => [label, v]), { className: 'll-kv', rowKeys: shown.map(([k]) => k) }));
  }

  /** The run's description (Markdown), first on the page as MLflow's UI has it. */
  private description(run: WireRun, note: string | undefined): HTMLElement {
    const box = document.createElement('div');
    box.append(note ? renderMarkdown(note) : Object.assign(document.createElement('p'), { className: 'll-muted', textContent: 'No description.' }));
    if (this.actions) {
      const edit = button(note ? 'Edit description' : 'Add a description');
      edit.dataset.action = 'describe';
      edit.addEventListener('click', () => void this.actions?.describe(run));
      box.append(edit);
    }
    return section('Description', 'description', box);
  }

  private tags(run: WireRun, tags: ReturnType<typeof splitTags>): HTMLElement {
    const box = document.createElement('div');
    const actions = this.actions;
    const head = actions ? ['Tag', 'Value', ''] : ['Tag', 'Value'];
    const rows = tags.user.map((t): Cell[] => {
      if (!actions) return [t.key, t.value];
      const tools = document.createElement('span');
      tools.className = 'll-row-actions';
      const edit = button('Edit');
      edit.dataset.action = 'edit-tag';
      edit.setAttribute('aria-label', `Edit tag ${t.key}`);
      edit.addEventListener('click', () => void actions.setTag(run, t.key));
      const del = button('Remove');
      del.dataset.action = 'delete-tag';
      del.setAttribute('aria-label', `Remove tag ${t.key}`);
      del.addEventListener('click', () => void actions.deleteTag(run, t.key));
      tools.append(edit, del);
      return [t.key, t.value, tools];
    });
    box.append(
      tags.user.length
        ? table(head, rows, { className: 'll-kv', rowKeys: tags.user.map((t) => t.key) })
        : Object.assign(document.createElement('p'), { className: 'll-muted', textContent: 'No tags of your own.' }),
    );
    if (actions) {
      const add = button('Add tag');
      add.dataset.action = 'add-tag';
      add.addEventListener('click', () => void actions.setTag(run));
      box.append(add);
    }
    if (tags.system.length) {
      const details = document.createElement('details');
      details.className = 'll-system-tags';
      const summary = document.createElement('summary');
      summary.textContent = `System tags (mlflow.*, ${tags.system.length})`;
      details.append(summary, table(['Tag', 'Value'], tags.system.map((t) => [t.key, t.value]), { className: 'll-kv', rowKeys: tags.system.map((t) => t.key) }));
      box.append(details);
    }
    return section(`Tags (${tags.user.length})`, 'tags', box);
  }

  private modelVersions(run: WireRun, d: RunDetails): HTMLElement {
    const mv = d.modelVersions;
    if (mv === undefined) {
      const s = section('Registered model versions', 'model-versions', 'Reading the registry…');
      s.dataset.state = 'loading';
      return s;
    }
    if (typeof mv === 'string') {
      const e = document.createElement('div');
      e.className = 'll-error';
      e.textContent = mv;
      return section('Registered model versions', 'model-versions', e);
    }
    if (mv.length === 0) return section('Registered model versions', 'model-versions', `No model version was registered from this run (mlflow.register_model("runs:/${run.info.run_id}/model", name)).`);
    const sorted = [...mv].sort((a, b) => a.name.localeCompare(b.name) || Number(a.version) - Number(b.version));
    return section(
      `Registered model versions (${mv.length})`,
      'model-versions',
      table(
        ['Model', 'Version', 'Stage', 'Aliases', 'Status', 'Registered'],
        sorted.map((v) => [
          routeLink(this.nav, { view: 'model', name: v.name, version: v.version }, v.name),
          routeLink(this.nav, { view: 'model', name: v.name, version: v.version }, `v${v.version}`),
          v.current_stage,
          (v.aliases ?? []).map((a) => `@${a}`).join(' '),
          v.status,
          formatTime(v.creation_timestamp),
        ]),
        { rowKeys: sorted.map((v) => `${v.name}/${v.version}`) },
      ),
    );
  }
}
