/**
 * A small, safe Markdown renderer for notebook cells: headings, paragraphs, lists, block
 * quotes, fenced and indented code, rules, and inline code, emphasis and links. It builds DOM
 * nodes with text content only: raw HTML in the source shows as text, never as markup, and
 * only http(s) and mailto links become links. Images show as their alt text (no network).
 */
import { el } from './dom.js';

/** Renders Markdown source as a block of elements. */
export function renderMarkdown(src: string): HTMLElement {
  const root = el('div', 'll-markdown');
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  let para: string[] = [];
  const flush = (): void => {
    if (para.length) root.append(inline(el('p'), para.join(' ')));
    para = [];
  };
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = /^\s{0,3}(```+|~~~+)\s*([\w+-]*)/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++;
      const pre = el('pre', 'll-code');
      pre.append(el('code', '', body.join('\n')));
      root.append(pre);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      root.append(inline(el(`h${heading[1]!.length}` as 'h1'), heading[2]!));
      i++;
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      root.append(el('hr'));
      i++;
      continue;
    }
    if (/^\s{0,3}>/.test(line)) {
      flush();
      const quoted: string[] = [];
      while (i < lines.length && /^\s{0,3}>/.test(lines[i]!)) quoted.push(lines[i++]!.replace(/^\s{0,3}>\s?/, ''));
      const q = el('blockquote');
      q.append(...renderMarkdown(quoted.join('\n')).childNodes);
      root.append(q);
      continue;
    }
    const item = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+/.exec(line);
    if (item) {
      flush();
      const ordered = /\d/.test(item[1]!);
      const list = el(ordered ? 'ol' : 'ul');
      while (i < lines.length) {
        const m = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(lines[i]!);
        if (m) {
          list.append(inline(el('li'), m[2]!));
          i++;
        } else if (/^\s{2,}\S/.test(lines[i]!) && list.lastElementChild) {
          // a continuation line of the item above
          inline(list.lastElementChild as HTMLElement, ` ${lines[i]!.trim()}`);
          i++;
        } else break;
      }
      root.append(list);
      continue;
    }
    if (/^( {4}|\t)/.test(line) && para.length === 0) {
      const body: string[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]!) || (lines[i]!.trim() === '' && /^( {4}|\t)/.test(lines[i + 1] ?? '')))) {
        body.push(lines[i++]!.replace(/^( {4}|\t)/, ''));
      }
      const pre = el('pre', 'll-code');
      pre.append(el('code', '', body.join('\n')));
      root.append(pre);
      continue;
    }
    if (line.trim() === '') flush();
    else para.push(line.trim());
    i++;
  }
  flush();
  return root;
}

// inline code, images, links, bold, italics — in that order of precedence; `_` only at word edges (snake_case stays)
const INLINE = /(`+)([\s\S]*?[^`])\1(?!`)|!\[([^\]]*)\]\([^)]*\)|\[([^\]]+)\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)|\*\*(?!\s)(.+?)\*\*|(?<!\w)__(?!\s)(.+?)__(?!\w)|\*(?!\s)(.+?)\*|(?<!\w)_(?!\s)(.+?)_(?!\w)/g;

/** Appends the inline Markdown `text` to `parent` as text, code, emphasis and link nodes. */
function inline<T extends HTMLElement>(parent: T, text: string): T {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) parent.append(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] !== undefined) parent.append(el('code', '', m[2]!.trim()));
    else if (m[3] !== undefined) parent.append(el('span', 'll-md-image', m[3] ? `[image: ${m[3]}]` : '[image]'));
    else if (m[4] !== undefined) {
      const href = m[5]!;
      if (/^(https?:|mailto:)/i.test(href)) {
        const a = el('a');
        a.href = href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        inline(a, m[4]);
        parent.append(a);
      } else inline(parent, m[4]);
    } else if (m[6] !== undefined || m[7] !== undefined) parent.append(inline(el('strong'), (m[6] ?? m[7])!));
    else if (m[8] !== undefined || m[9] !== undefined) parent.append(inline(el('em'), (m[8] ?? m[9])!));
  }
  if (last < text.length) parent.append(text.slice(last));
  return parent;
}
