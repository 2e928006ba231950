/**
 * ModelPage — one registered model: description, aliases, tags, and its versions (stage,
 * aliases, status, created, the run each came from, source). The version in the route is
 * highlighted and its details shown below the table.
 */
import type { WireModelVersion, WireRegisteredModel } from '@lablog/schema';
import { Widget } from '@lumino/widgets';
import type { ViewerContext } from '../context.js';
import { formatTime } from '../format.js';
import { el } from '../previews/dom.js';
import { button } from '../edit/dialogs.js';
import { renderMarkdown } from '../previews/markdown.js';
import { RegistryActions } from './RegistryActions.js';
import { actionRow } from '../edit/actionRow.js';
import { aliasChip, aliasesByVersion, editableTags, newestFirst, quoted, runLink, stageBadge } from './registryBits.js';
import { focusable, navigableRows } from './tableRows.js';
import { versionDetails } from './versionDetails.js';

/** Pages of versions read at most (1000 each). */
const MAX_PAGES = 10;

/** What the page shows, as read from the agent. */
interface ModelData {
  model: WireRegisteredModel;
  versions: WireModelVersion[];
}

/** The page of one registered model. */
export class ModelPage extends Widget {
  private data: ModelData | null = null;
  private shown: string | null = null;
  /** Run names by run id; null for a run that could not be read (deleted, other server). */
  private readonly runNames = new Map<string, string | null>();
  private readonly tbody = el('tbody');
  private ticket = 0;
  private failed = false;
  private readonly actions: RegistryActions;
  /** After an action: read again now (the live feed would too, a moment later). */
  private readonly changed = (): void => void this.refresh();

  constructor(
    private readonly ctx: ViewerContext,
    readonly name: string,
    private version: string | undefined,
  ) {
    super();
    this.addClass('ll-model-page');
    this.actions = new RegistryActions(ctx.lablog.edits, ctx.query);
    navigableRows(this.tbody, (version) => this.ctx.nav.go({ view: 'model', name: this.name, version }));
    this.node.append(el('div', 'll-empty', 'Loading…'));
    void this.refresh();
  }

  /** Highlights (and details) another version, or none. */
  showVersion(version: string | undefined): void {
    if (version === this.version) return;
    this.version = version;
    if (this.data) this.render(this.data, true);
  }

  /**
   * Reads the model and its versions again; redraws only when they changed.
   * @param background a periodic refresh: skipped after the agent refused (no such model)
   */
  async refresh(background = false): Promise<void> {
    if (background && this.failed) return;
    const ticket = ++this.ticket;
    let data: ModelData;
    try {
      const model = await this.ctx.query.getRegisteredModel(this.name);
      const versions: WireModelVersion[] = [];
      let pageToken: string | undefined;
      for (let i = 0; i < MAX_PAGES; i++) {
        const page = await this.ctx.query.searchModelVersions({ filter: `name = ${quoted(this.name)}`, ...(pageToken ? { pageToken } : {}) });
        versions.push(...page.items);
        pageToken = page.nextPageToken;
        if (!pageToken) break;
      }
      await this.readRunNames(versions);
      data = { model, versions: newestFirst(versions) };
    } catch (err) {
      if (ticket !== this.ticket || this.isDisposed) return;
      this.data = null;
      this.shown = null;
      this.failed = true;
      this.showError((err as Error).message);
      return;
    }
    if (ticket !== this.ticket || this.isDisposed) return;
    this.failed = false;
    this.data = data;
    const signature = JSON.stringify(data);
    if (signature === this.shown) return;
    this.shown = signature;
    this.render(data, false);
  }

  override dispose(): void {
    this.ticket++;
    super.dispose();
  }

  private async readRunNames(versions: WireModelVersion[]): Promise<void> {
    const missing = [...new Set(versions.map((v) => v.run_id).filter((id) => id && !this.runNames.has(id)))];
    await Promise.all(
      missing.map(async (id) => {
        try {
          const run = await this.ctx.query.getRun(id);
          this.runNames.set(id, run.info.run_name || null);
        } catch {
          // the version keeps its run id; the link shows the id instead of a name
          this.runNames.set(id, null);
        }
      }),
    );
  }

  private showError(message: string): void {
    const box = el('div', 'll-model-missing');
    const back = el('a', '', '← All models');
    back.href = this.ctx.nav.href({ view: 'models' });
    box.append(this.breadcrumb(), el('div', 'll-error', message), el('p', '', ''), back);
    this.node.replaceChildren(box);
  }

  private breadcrumb(): HTMLElement {
    const nav = el('nav', 'll-breadcrumb');
    const models = el('a', '', 'Models');
    models.href = this.ctx.nav.href({ view: 'models' });
    nav.append(models, el('span', 'll-muted', ' / '), el('span', '', this.name));
    return nav;
  }

  private render({ model, versions }: ModelData, scroll: boolean): void {
    const hadFocus = this.tbody.contains(document.activeElement);
    const aliases = aliasesByVersion(model);
    const head = el('header', 'll-model-head');
    const title = el('h1', '', model.name);
    const meta = el('div', 'll-muted', `Created ${formatTime(model.creation_timestamp)} · last updated ${formatTime(model.last_updated_timestamp)}${model.user_id ? ` · ${model.user_id}` : ''}`);
    const headActions = actionRow('ll-model-actions', [
      ['Description', 'describe-model', () => this.actions.describeModel(model)],
      [
        'Delete model',
        'delete-model',
        async () => {
          if (await this.actions.deleteModel(model)) this.ctx.nav.go({ view: 'models' });
          return false;
        },
      ],
    ], this.changed);
    head.append(this.breadcrumb(), title, meta, headActions);
    const description = model.description ? Object.assign(renderMarkdown(model.description), { className: 'll-markdown ll-model-description-full' }) : el('p', 'll-muted', 'No description.');
    const aliasRow = el('div', 'll-model-alias-row');
    for (const a of model.aliases ?? []) {
      const remove = button('×', 'll-button ll-alias-remove');
      remove.dataset.action = 'remove-alias';
      remove.setAttribute('aria-label', `Remove alias ${a.alias}`);
      remove.addEventListener('click', () => void this.actions.removeAlias(model.name, a.alias, a.version).then((done) => done && this.changed()));
      const chip = el('span', 'll-alias-chip');
      chip.dataset.alias = a.alias;
      chip.append(aliasChip(this.ctx, model.name, a.alias, a.version), remove);
      aliasRow.append(chip, ' ');
    }

    const parts: HTMLElement[] = [head, description];
    if (model.aliases?.length) parts.push(aliasRow);
    parts.push(el('h2', '', 'Tags'), editableTags(model.tags ?? [], this.actions.modelTags(model), this.changed));
    parts.push(el('h2', '', `Versions (${versions.length})`));
    if (versions.length === 0) parts.push(this.noVersions(model.name));
    else parts.push(this.versionTable(versions, aliases));
    const selected = this.version === undefined ? undefined : versions.find((v) => v.version === this.version);
    if (this.version !== undefined && !selected) parts.push(el('div', 'll-error', `Version ${this.version} of ${model.name} does not exist.`));
    if (selected) {
      const deleted = (): void => {
        this.ctx.nav.go({ view: 'model', name: model.name });
        this.changed();
      };
      const editing = { actions: this.actions, changed: this.changed, deleted };
      parts.push(versionDetails(this.ctx, selected, aliases.get(selected.version) ?? [], this.runNames.get(selected.run_id) ?? null, editing));
    }
    this.node.replaceChildren(...parts);
    focusable(this.tbody, this.version ?? null, hadFocus);
    if (scroll && selected) this.tbody.querySelector<HTMLElement>(`tr[aria-selected="true"]`)?.scrollIntoView({ block: 'nearest' });
  }

  private versionTable(versions: WireModelVersion[], aliases: Map<string, string[]>): HTMLElement {
    const table = el('table', 'll-table ll-versions-table');
    const thead = el('thead');
    const hr = el('tr');
    for (const h of ['Version', 'Stage', 'Aliases', 'Status', 'Created', 'Source run', 'Source']) hr.append(el('th', '', h));
    thead.append(hr);
    this.tbody.replaceChildren(...versions.map((v) => this.versionRow(v, aliases.get(v.version) ?? [])));
    table.append(thead, this.tbody);
    return table;
  }

  private versionRow(v: WireModelVersion, aliases: string[]): HTMLTableRowElement {
    const tr = el('tr');
    tr.dataset.key = v.version;
    const isSelected = v.version === this.version;
    tr.setAttribute('aria-selected', String(isSelected));
    if (isSelected) tr.classList.add('ll-selected');
    const version = el('td', 'll-version-number');
    const a = el('a', '', `v${v.version}`);
    a.href = this.ctx.nav.href({ view: 'model', name: v.name, version: v.version });
    version.append(a);
    const stage = el('td');
    stage.append(stageBadge(v.current_stage));
    const aliasCell = el('td');
    for (const al of aliases) aliasCell.append(el('span', 'll-alias', `@${al}`), ' ');
    const status = el('td', `ll-version-status ll-version-${v.status}`, v.status);
    if (v.status_message) status.title = v.status_message;
    const created = el('td', 'll-muted', formatTime(v.creation_timestamp));
    const run = el('td');
    if (v.run_id) run.append(runLink(this.ctx, v.run_id, this.runNames.get(v.run_id) ?? null));
    else run.append(el('span', 'll-muted', '—'));
    const source = el('td', 'll-mono ll-version-source', v.source);
    source.title = v.source;
    tr.append(version, stage, aliasCell, status, created, run, source);
    return tr;
  }

  private noVersions(name: string): HTMLElement {
    const box = el('div', 'll-empty');
    box.append(
      el('p', '', 'This model has no versions yet. Register one from a run that logged a model:'),
      el('pre', '', `mlflow.register_model("runs:/<run_id>/model", ${JSON.stringify(name)})`),
    );
    return box;
  }
}
