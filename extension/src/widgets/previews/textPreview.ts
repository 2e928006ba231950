/** Text preview: monospace, as is, with a note when only the start of the file is shown. */
import { formatBytes } from '../artifacts/formatBytes.js';
import { el, note } from './dom.js';

/** How much of a file a preview shows, when not all of it. */
export interface Truncation {
  /** Bytes shown. */
  shown: number;
  /** The whole file's size, when known. */
  size?: number;
}

/**
 * Shows text.
 * @param text the (start of the) file
 * @param truncation given when the file goes on past `text`
 */
export function textPreview(text: string, truncation?: Truncation): HTMLElement {
  const box = el('div', 'll-preview-text');
  if (truncation) box.append(truncationNote(truncation));
  box.append(el('pre', 'll-code', text));
  return box;
}

/** "Showing the first 1.0 MB of 3.2 GB; download the file for all of it." */
export function truncationNote(t: Truncation): HTMLElement {
  const of = t.size === undefined ? '' : ` of ${formatBytes(t.size)}`;
  const n = note(`Showing the first ${formatBytes(t.shown)}${of}; download the file for all of it.`);
  n.classList.add('ll-truncated');
  return n;
}
