/**
 * Markdown, as the page shows it everywhere (run and model descriptions, notebook cells and
 * outputs): GitHub-flavoured, parsed by marked, then sanitised by DOMPurify. The text comes from
 * whoever logged the run or wrote the notebook, so: raw HTML in the source shows as text, never
 * as markup; images show as their alt text (a viewer fetches nothing it was not asked to); only
 * http(s) and mailto links stay links, and they open elsewhere.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const md = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ text }) => escapeHtml(text),
  },
});

/** Renders Markdown source as a block (`.ll-markdown`). */
export function renderMarkdown(src: string): HTMLElement {
  const div = document.createElement('div');
  div.className = 'll-markdown';
  const html = md.parse(src, { async: false });
  div.innerHTML = DOMPurify.sanitize(html.trim(), { USE_PROFILES: { html: true }, ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i, FORBID_TAGS: ['img', 'style', 'form', 'input'] });
  for (const a of div.querySelectorAll('a')) {
    if (!a.getAttribute('href')) {
      a.replaceWith(...a.childNodes);
      continue;
    }
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  return div;
}
