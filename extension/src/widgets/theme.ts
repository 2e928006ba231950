/**
 * Theme changes that CSS alone cannot follow: canvases (uPlot charts) paint with colours read
 * from the `--ll-*` variables, so they must repaint when the OS theme (standalone page) or
 * JupyterLab's theme changes. Both end up as one DOM event widgets can listen to.
 */

/** The event charts listen to on `document`. */
export const THEME_CHANGED_EVENT = 'lablog-theme-changed';

/** Tells every chart to read its colours again (JupyterLab calls it on a theme switch). */
export function notifyThemeChanged(): void {
  // JupyterLab swaps its stylesheet asynchronously: let the new variables apply first
  requestAnimationFrame(() => document.dispatchEvent(new Event(THEME_CHANGED_EVENT)));
}

/** Calls `fn` whenever the theme changes (OS or JupyterLab); returns the function that stops it. */
export function onThemeChanged(fn: () => void): () => void {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', fn);
  document.addEventListener(THEME_CHANGED_EVENT, fn);
  return () => {
    media.removeEventListener('change', fn);
    document.removeEventListener(THEME_CHANGED_EVENT, fn);
  };
}
