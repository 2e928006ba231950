/** A tiny element builder for the previews: text always goes in as text, never as HTML. */

/**
 * A new element with an optional class name and text content.
 * @param tag the tag name
 * @param className space-separated classes, or '' for none
 * @param text text content (set with `textContent`)
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A muted note under or above a preview (truncation, counts). */
export function note(text: string): HTMLElement {
  return el('div', 'll-preview-note ll-muted', text);
}

/** An empty view's explanation: a title and what would be shown, and where it comes from. */
export function emptyState(title: string, text: string): HTMLElement {
  const box = el('div', 'll-empty');
  box.append(el('h2', '', title), el('p', '', text));
  return box;
}
