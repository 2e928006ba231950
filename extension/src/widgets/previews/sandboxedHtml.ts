/**
 * HTML from an artifact (a report, a notebook's rich output) shown in an `<iframe sandbox="">`
 * with `srcdoc`: an opaque origin (no access to the page, its storage or the agent's API), no
 * scripts, no forms, no popups, no top navigation. The sandbox is the security boundary.
 * Scripts and inline handlers are also taken out beforehand, only so that the browser has no
 * blocked script to complain about in the console.
 */
import { el } from './dom.js';

/**
 * The HTML without scripts, inline event handlers, `javascript:` links or meta refreshes.
 * Parsed with `DOMParser`, whose documents are inert (nothing runs, nothing loads).
 */
export function withoutScripts(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const s of doc.querySelectorAll('script, meta[http-equiv]')) s.remove();
  for (const e of doc.querySelectorAll('*')) {
    for (const a of [...e.attributes]) {
      if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) e.removeAttribute(a.name);
    }
  }
  const doctype = /^\s*<!doctype/i.test(html) ? '<!DOCTYPE html>' : '';
  return doctype + doc.documentElement.outerHTML;
}

/**
 * A sandboxed frame showing `html`.
 * @param title the frame's accessible name
 * @param className extra class (sizes differ between a file preview and a notebook output)
 */
export function sandboxedFrame(html: string, title: string, className = ''): HTMLIFrameElement {
  const f = el('iframe', `ll-sandboxed-frame ${className}`.trim());
  // an empty sandbox attribute: every restriction applies
  f.setAttribute('sandbox', '');
  f.setAttribute('referrerpolicy', 'no-referrer');
  f.title = title;
  f.srcdoc = withoutScripts(html);
  return f;
}

/** HTML file preview: the page in a sandboxed frame, with a word on what it cannot do. */
export function htmlPreview(html: string, name: string): HTMLElement {
  const box = el('div', 'll-preview-html');
  box.append(el('div', 'll-preview-note ll-muted', 'Shown in a sandbox: scripts, forms and links to other pages are disabled.'));
  box.append(sandboxedFrame(html, name, 'll-html-page'));
  return box;
}
