/** The details of one model version, shown under the versions table when it is chosen. */
import type { WireModelVersion } from '@lablog/schema';
import type { ViewerContext } from '../context.js';
import { formatTime } from '../format.js';
import { el } from '../previews/dom.js';
import { runLink, stageBadge, tagTable } from './registryBits.js';

/**
 * A section describing `v`: stage, aliases, status, times, user, source run and source,
 * description and tags.
 * @param runName the source run's name, when it could be read
 */
export function versionDetails(ctx: ViewerContext, v: WireModelVersion, aliases: readonly string[], runName: string | null): HTMLElement {
  const section = el('section', 'll-version-details');
  section.setAttribute('aria-label', `Version ${v.version}`);
  section.append(el('h2', '', `Version ${v.version}`));
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
  section.append(v.description ? el('p', 'll-model-description-full', v.description) : el('p', 'll-muted', 'No description.'));
  if (v.tags?.length) section.append(tagTable(v.tags));
  return section;
}
