/**
 * ModelList — the registered models: name, latest version per stage, aliases, last update and
 * description, filtered with MLflow's registry filter grammar (the agent's error shows inline).
 */
import { RequestError } from '@lablog/client';
import type { WireRegisteredModel } from '@lablog/schema';
import { Widget } from '@lumino/widgets';
import type { ViewerContext } from '../context.js';
import { formatTime } from '../format.js';
import { el } from '../previews/dom.js';
import { aliasChip, STAGE_ORDER, stageBadge, versionLink } from './registryBits.js';
import { focusable, navigableRows } from './tableRows.js';

/** Typing pauses this long before the filter is sent. */
const FILTER_DELAY_MS = 350;
/** Pages read at most (1000 models each). */
const MAX_PAGES = 10;

/** The list of registered models. */
export class ModelList extends Widget {
  private filter = '';
  private readonly input = el('input', 'll-input ll-models-filter');
  private readonly errorBox = el('div', 'll-models-error');
  private readonly count = el('span', 'll-muted ll-models-count');
  private readonly content = el('div', 'll-models-content');
  private readonly tbody = el('tbody');
  private shown: string | null = null;
  private typing: ReturnType<typeof setTimeout> | null = null;
  /** Increases with every load; an answer to an older one is dropped. */
  private ticket = 0;

  constructor(private readonly ctx: ViewerContext) {
    super();
    this.addClass('ll-model-list');
    const head = el('div', 'll-models-head');
    const h1 = el('h1', '', 'Registered models');
    head.append(h1, this.count);
    this.input.type = 'search';
    this.input.placeholder = "Filter: name LIKE '%classifier%' or tags.team = 'vision'";
    this.input.setAttribute('aria-label', 'Filter registered models');
    this.input.spellcheck = false;
    this.input.addEventListener('input', () => {
      if (this.typing) clearTimeout(this.typing);
      this.typing = setTimeout(() => this.applyFilter(), FILTER_DELAY_MS);
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.applyFilter();
    });
    this.errorBox.setAttribute('role', 'alert');
    this.node.append(head, this.input, this.errorBox, this.content);
    navigableRows(this.tbody, (name) => this.ctx.nav.go({ view: 'model', name }));
    void this.refresh();
  }

  /**
   * Reads the list again; redraws only when it changed.
   * @param background a periodic refresh: skipped while the filter is refused (the user is fixing it)
   */
  async refresh(background = false): Promise<void> {
    if (background && this.input.classList.contains('ll-invalid')) return;
    const ticket = ++this.ticket;
    const filter = this.filter;
    let models: WireRegisteredModel[];
    try {
      models = [];
      // a typed filter is checked first: a mistake then costs no failed request (a console error)
      // (plain words come back as a name search)
      let search = filter;
      if (filter) {
        const check = await this.ctx.query.checkFilter('registered_models', filter);
        if (!check.valid) throw new RequestError(400, check.error_code, check.hint ? `${check.message}. ${check.hint}` : check.message);
        search = check.filter ?? filter;
      }
      let pageToken: string | undefined;
      for (let i = 0; i < MAX_PAGES; i++) {
        const page = await this.ctx.query.searchRegisteredModels({ ...(search ? { filter: search } : {}), orderBy: ['name ASC'], ...(pageToken ? { pageToken } : {}) });
        models.push(...page.items);
        pageToken = page.nextPageToken;
        if (!pageToken) break;
      }
    } catch (err) {
      if (ticket !== this.ticket || this.isDisposed) return;
      this.showError(err);
      return;
    }
    if (ticket !== this.ticket || this.isDisposed) return;
    this.input.classList.remove('ll-invalid');
    this.input.removeAttribute('aria-invalid');
    this.errorBox.replaceChildren();
    const signature = JSON.stringify([filter, models]);
    if (signature === this.shown) return;
    this.shown = signature;
    this.render(models, filter);
  }

  override dispose(): void {
    if (this.typing) clearTimeout(this.typing);
    this.ticket++;
    super.dispose();
  }

  private applyFilter(): void {
    if (this.typing) clearTimeout(this.typing);
    this.typing = null;
    const next = this.input.value.trim();
    if (next === this.filter && !this.input.classList.contains('ll-invalid')) return;
    this.filter = next;
    void this.refresh();
  }

  private showError(err: unknown): void {
    // a bad filter is the user's to fix: say what the agent said, next to the box
    const message = err instanceof RequestError ? err.message : String((err as Error)?.message ?? err);
    const bad = err instanceof RequestError && err.status === 400;
    this.input.classList.toggle('ll-invalid', bad);
    if (bad) this.input.setAttribute('aria-invalid', 'true');
    this.errorBox.replaceChildren(el('div', 'll-error', message));
  }

  private render(models: WireRegisteredModel[], filter: string): void {
    const hadFocus = this.tbody.contains(document.activeElement);
    const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('tr[data-key]')?.dataset.key ?? null;
    this.count.textContent = `${models.length} model${models.length === 1 ? '' : 's'}`;
    if (models.length === 0) {
      this.content.replaceChildren(filter ? el('div', 'll-empty', 'No registered model matches this filter.') : this.emptyState());
      return;
    }
    const table = el('table', 'll-table ll-models-table');
    const thead = el('thead');
    const hr = el('tr');
    for (const h of ['Name', 'Latest versions', 'Aliases', 'Last updated', 'Description']) hr.append(el('th', '', h));
    thead.append(hr);
    this.tbody.replaceChildren(...models.map((m) => this.row(m)));
    table.append(thead, this.tbody);
    this.content.replaceChildren(table);
    focusable(this.tbody, focused, hadFocus);
  }

  private row(m: WireRegisteredModel): HTMLTableRowElement {
    const tr = el('tr');
    tr.dataset.key = m.name;
    const name = el('td', 'll-model-name');
    const a = el('a', '', m.name);
    a.href = this.ctx.nav.href({ view: 'model', name: m.name });
    name.append(a);

    const latest = el('td', 'll-model-latest');
    const byStage = [...(m.latest_versions ?? [])].sort((x, y) => STAGE_ORDER.indexOf(x.current_stage) - STAGE_ORDER.indexOf(y.current_stage));
    for (const v of byStage) {
      const chip = el('span', 'll-latest');
      chip.append(versionLink(this.ctx, m.name, v.version), ' ', stageBadge(v.current_stage));
      latest.append(chip, ' ');
    }

    const aliases = el('td', 'll-model-aliases');
    for (const al of m.aliases ?? []) aliases.append(aliasChip(this.ctx, m.name, al.alias, al.version), ' ');

    const updated = el('td', 'll-muted', formatTime(m.last_updated_timestamp));
    const description = el('td', 'll-model-description', m.description ?? '');
    description.title = m.description ?? '';
    tr.append(name, latest, aliases, updated, description);
    return tr;
  }

  private emptyState(): HTMLElement {
    const box = el('div', 'll-empty');
    const url = this.ctx.query.url;
    box.append(
      el('h2', '', 'No registered models yet'),
      el('p', '', 'Register a model that a run logged, and it shows here with its versions, stages and aliases:'),
      el('pre', '', `import mlflow\nmlflow.set_tracking_uri("${url}")\nmlflow.register_model("runs:/<run_id>/model", "my-model")`),
      el('p', '', `Or point every MLflow script at this agent with  MLFLOW_TRACKING_URI=${url}`),
    );
    return box;
  }
}
