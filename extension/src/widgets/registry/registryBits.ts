/** Small pieces the registry views share: stage badges, alias chips, version links, filters. */
import type { WireModelVersion, WireRegisteredModel } from '@lablog/schema';
import type { ViewerContext } from '../context.js';
import { button } from '../edit/dialogs.js';
import { el } from '../previews/dom.js';
import type { TagEditor } from './RegistryActions.js';

/** Stages in the order they matter to a reader. */
export const STAGE_ORDER = ['Production', 'Staging', 'None', 'Archived'];

/** A stage as a badge (`ll-stage-Production`, …). */
export function stageBadge(stage: string): HTMLElement {
  return el('span', `ll-stage ll-stage-${stage.replace(/[^A-Za-z]/g, '')}`, stage);
}

/** A link to a version of a model, e.g. `v3` or `Production v3`. */
export function versionLink(ctx: ViewerContext, name: string, version: string, label = `v${version}`): HTMLAnchorElement {
  const a = el('a', 'll-version-link', label);
  a.href = ctx.nav.href({ view: 'model', name, version });
  return a;
}

/** An alias as a chip linking to its version: `@champion → v3`. */
export function aliasChip(ctx: ViewerContext, name: string, alias: string, version: string): HTMLAnchorElement {
  const a = el('a', 'll-alias', `@${alias} → v${version}`);
  a.href = ctx.nav.href({ view: 'model', name, version });
  a.title = `Alias ${alias} points at version ${version}`;
  return a;
}

/** A model's aliases by version: `{ '3': ['champion'] }`. */
export function aliasesByVersion(model: WireRegisteredModel): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of model.aliases ?? []) out.set(a.version, [...(out.get(a.version) ?? []), a.alias]);
  return out;
}

/** Versions newest first (version numbers compare as numbers). */
export function newestFirst(versions: readonly WireModelVersion[]): WireModelVersion[] {
  return [...versions].sort((a, b) => Number(b.version) - Number(a.version));
}

/** A registry filter string literal: single-quoted, quotes doubled. */
export function quoted(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A link to the run page of `runId`, named after the run when known. */
export function runLink(ctx: ViewerContext, runId: string, runName: string | null): HTMLAnchorElement {
  const a = el('a', 'll-run-link', runName ?? runId.slice(0, 8));
  a.href = ctx.nav.href({ view: 'run', runId });
  a.title = `Run ${runId}`;
  return a;
}

/** Tags as a two-column table. */
export function tagTable(tags: ReadonlyArray<{ key: string; value: string }>): HTMLElement {
  const table = el('table', 'll-table ll-tags-table');
  const thead = el('thead');
  const hr = el('tr');
  hr.append(el('th', '', 'Tag'), el('th', '', 'Value'));
  thead.append(hr);
  const tbody = el('tbody');
  for (const t of tags) {
    const tr = el('tr');
    tr.append(el('td', 'll-mono', t.key), el('td', '', t.value));
    tbody.append(tr);
  }
  table.append(thead, tbody);
  return table;
}

/**
 * Tags with Edit and Remove on each row and an "Add tag" button.
 * @param changed called after a tag was set or removed
 */
export function editableTags(tags: ReadonlyArray<{ key: string; value: string }>, editor: TagEditor, changed: () => void): HTMLElement {
  const box = el('div', 'll-editable-tags');
  const run = (fn: () => Promise<boolean>) => () => void fn().then((done) => done && changed());
  if (tags.length) {
    const table = tagTable(tags);
    table.querySelector('thead tr')?.append(el('th', '', ''));
    table.querySelectorAll('tbody tr').forEach((tr, i) => {
      const key = tags[i]!.key;
      (tr as HTMLElement).dataset.key = key;
      const tools = el('td', 'll-row-actions');
      const edit = button('Edit');
      edit.dataset.action = 'edit-tag';
      edit.setAttribute('aria-label', `Edit tag ${key}`);
      edit.addEventListener('click', run(() => editor.set(key)));
      const del = button('Remove');
      del.dataset.action = 'delete-tag';
      del.setAttribute('aria-label', `Remove tag ${key}`);
      del.addEventListener('click', run(() => editor.remove(key)));
      tools.append(edit, del);
      tr.append(tools);
    });
    box.append(table);
  }
  const add = button('Add tag');
  add.dataset.action = 'add-tag';
  add.addEventListener('click', run(() => editor.set()));
  box.append(add);
  return box;
}
