/**
 * Markdown as MLflow's UI shows descriptions (`mlflow.note.content`, model descriptions):
 * GitHub-flavoured, rendered by marked and sanitised by DOMPurify, since the text comes from
 * whoever logged the run.
 */
import DOMPurify from 'dompurify';
import { marked } from 'marked';

/** An element holding `text` rendered as sanitised Markdown. */
export function renderMarkdown(text: string): HTMLElement {
  const div = document.createElement('div');
  div.className = 'll-markdown';
  const html = marked.parse(text, { async: false, gfm: true, breaks: false });
  div.innerHTML = DOMPurify.sanitize(html.trim(), { USE_PROFILES: { html: true } });
  // links leave the page
  for (const a of div.querySelectorAll('a')) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  return div;
}
