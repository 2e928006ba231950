/** The details of one model version, shown under the versions table when it is chosen. */
import type { WireModelVersion } from '@lablog/schema';
import type { ViewerContext } from '../context.js';
import { formatTime } from '../format.js';
import { el } from '../previews/dom.js';
import { renderMarkdown } from '../previews/markdown.js';
import type { RegistryActions } from './RegistryActions.js';
import { actionRow } from '../edit/actionRow.js';
import { editableTags, runLink, stageBadge, tagTable } from './registryBits.js';

/** The actions offered on a version, and what to do after one. */
export interface VersionEditing {
  actions: RegistryActions;
  changed: () => void;
  /** After the version was deleted. */
  deleted: () => void;
}

/**
 * A section describing `v`: stage, aliases, status, times, user, source run and source,
 * description and tags — with its actions (stage, alias, description, tags, delete) when given.
 * @param runName the source run's name, when it could be read
 */
export function versionDetails(ctx: ViewerContext, v: WireModelVersion, aliases: readonly string[], runName: string | null, editing?: VersionEditing): HTMLElement {
  const section = el('section', 'll-version-details');
  section.setAttribute('aria-label', `Version ${v.version}`);
  section.append(el('h2', '', `Version ${v.version}`));
  if (editing) {
    const { actions, changed } = editing;
    section.append(
      actionRow('ll-version-actions', [
        ['Stage…', 'transition', () => actions.transition(v)],
        ['Add alias', 'add-alias', () => actions.addAlias(v)],
        ['Description', 'describe-version', () => actions.describeVersion(v)],
        [
          'Delete version',
          'delete-version',
          async () => {
            if (await actions.deleteVersion(v)) editing.deleted();
            return false;
          },
        ],
      ], changed),
    );
  }
  const dl = el('dl', 'll-version-fields');
  const field = (label: string, ...value: Array<Node | string>): void => {
    const dd = el('dd');
    dd.append(...value);
    dl.append(el('dt', '', label), dd);
  };
  field('Stage', stageBadge(v.current_stage));
  if (aliases.length) field('Aliases', ...aliases.flatMap((a) => [el('span', 'll-alias', `@${a}`), ' ']));
  field('Status', v.status_message ? `${v.status} — ${v.status_message}` : v.status);
  field('Created', formatTime(v.creation_timestamp));
  field('Last updated', formatTime(v.last_updated_timestamp));
  if (v.user_id) field('User', v.user_id);
  field('Source run', v.run_id ? runLink(ctx, v.run_id, runName) : '—');
  field('Source', el('span', 'll-mono', v.source));
  if (v.run_link) field('Run link', el('span', 'll-mono', v.run_link));
  section.append(dl);
  section.append(v.description ? Object.assign(renderMarkdown(v.description), { className: 'll-markdown ll-model-description-full' }) : el('p', 'll-muted', 'No description.'));
  if (editing) section.append(editableTags(v.tags ?? [], editing.actions.versionTags(v), editing.changed));
  else if (v.tags?.length) section.append(tagTable(v.tags));
  return section;
}
