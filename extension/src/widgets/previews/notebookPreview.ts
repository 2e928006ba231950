/**
 * `.ipynb` preview, read-only: markdown cells as (safe) rendered text; code cells with their
 * execution count, source and outputs — streams, plain text, PNG/JPEG/SVG images, errors
 * (ANSI codes stripped), HTML in a sandboxed frame. Nothing in a notebook runs.
 */
import type { ObjectUrls } from '../artifacts/ObjectUrls.js';
import { stripAnsi } from './ansi.js';
import { el, note } from './dom.js';
import { renderMarkdown } from './markdown.js';
import { sandboxedFrame } from './sandboxedHtml.js';

/** nbformat 4 multiline text: a string, or lines to join. */
type MultiLine = string | string[];

interface NbOutput {
  output_type?: string;
  name?: string;
  text?: MultiLine;
  data?: Record<string, unknown>;
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

interface NbCell {
  cell_type?: string;
  source?: MultiLine;
  execution_count?: number | null;
  outputs?: NbOutput[];
}

interface Notebook {
  nbformat?: number;
  cells?: NbCell[];
  metadata?: { kernelspec?: { display_name?: string; language?: string }; language_info?: { name?: string } };
}

/** Cells shown at most; a longer notebook says how many were left out. */
const MAX_CELLS = 2000;

/**
 * Renders a parsed notebook.
 * @param nb the parsed `.ipynb` JSON (anything: shapes are checked as they are read)
 * @param urls where `blob:` URLs of SVG outputs are kept until the preview goes away
 */
export function notebookPreview(nb: unknown, urls: ObjectUrls): HTMLElement {
  const box = el('div', 'll-preview-notebook');
  const book = (nb ?? {}) as Notebook;
  if (!Array.isArray(book.cells)) {
    box.append(note(`This is not a notebook in nbformat 4 (nbformat ${String(book.nbformat ?? 'unknown')}); download it to open it in Jupyter.`));
    return box;
  }
  const kernel = book.metadata?.kernelspec?.display_name ?? book.metadata?.language_info?.name;
  box.append(note(`${book.cells.length} cell${book.cells.length === 1 ? '' : 's'}${kernel ? ` · ${kernel}` : ''} · read-only`));
  for (const cell of book.cells.slice(0, MAX_CELLS)) box.append(renderCell(cell, urls));
  if (book.cells.length > MAX_CELLS) box.append(note(`… ${book.cells.length - MAX_CELLS} more cells`));
  return box;
}

function text(m: unknown): string {
  if (typeof m === 'string') return m;
  if (Array.isArray(m)) return m.filter((x) => typeof x === 'string').join('');
  return '';
}

function renderCell(cell: NbCell, urls: ObjectUrls): HTMLElement {
  const type = cell.cell_type;
  const box = el('div', `ll-nb-cell ll-nb-${type === 'code' || type === 'markdown' ? type : 'raw'}`);
  const prompt = el('div', 'll-nb-prompt ll-mono');
  const body = el('div', 'll-nb-body');
  box.append(prompt, body);
  if (type === 'markdown') {
    body.append(renderMarkdown(text(cell.source)));
    return box;
  }
  if (type !== 'code') {
    body.append(el('pre', 'll-code ll-nb-source', text(cell.source)));
    return box;
  }
  prompt.textContent = `[${typeof cell.execution_count === 'number' ? cell.execution_count : ' '}]:`;
  body.append(el('pre', 'll-code ll-nb-source', text(cell.source)));
  const outputs = Array.isArray(cell.outputs) ? cell.outputs : [];
  if (outputs.length) {
    const out = el('div', 'll-nb-outputs');
    for (const o of outputs) {
      const shown = renderOutput(o, urls);
      if (shown) out.append(shown);
    }
    body.append(out);
  }
  return box;
}

function renderOutput(o: NbOutput, urls: ObjectUrls): HTMLElement | null {
  switch (o.output_type) {
    case 'stream':
      return el('pre', `ll-nb-output ll-nb-stream ll-nb-${o.name === 'stderr' ? 'stderr' : 'stdout'}`, stripAnsi(text(o.text)));
    case 'error': {
      const e = el('pre', 'll-nb-output ll-nb-error');
      const tb = Array.isArray(o.traceback) ? o.traceback.map((l) => stripAnsi(String(l))).join('\n') : '';
      e.textContent = tb || `${o.ename ?? 'Error'}: ${o.evalue ?? ''}`;
      return e;
    }
    case 'execute_result':
    case 'display_data':
      return renderData(o.data ?? {}, urls);
    default:
      return null;
  }
}

/** The richest representation we can show safely, as Jupyter picks one. */
function renderData(data: Record<string, unknown>, urls: ObjectUrls): HTMLElement | null {
  for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const) {
    const b64 = text(data[type]).replace(/\s+/g, '');
    if (b64 && /^[A-Za-z0-9+/]+=*$/.test(b64)) {
      const img = el('img', 'll-nb-output ll-nb-image');
      img.alt = `output (${type})`;
      img.src = `data:${type};base64,${b64}`;
      return img;
    }
  }
  const svg = text(data['image/svg+xml']);
  if (svg) {
    const img = el('img', 'll-nb-output ll-nb-image');
    img.alt = 'output (image/svg+xml)';
    img.src = urls.make(new Blob([svg], { type: 'image/svg+xml' }));
    return img;
  }
  const html = text(data['text/html']);
  if (html) return sandboxedFrame(html, 'HTML output', 'll-nb-output ll-nb-html');
  const md = text(data['text/markdown']);
  if (md) {
    const m = renderMarkdown(md);
    m.classList.add('ll-nb-output');
    return m;
  }
  if (data['application/json'] !== undefined) return el('pre', 'll-nb-output ll-nb-text', JSON.stringify(data['application/json'], null, 2));
  const plain = text(data['text/plain']);
  if (plain) return el('pre', 'll-nb-output ll-nb-text', stripAnsi(plain));
  return null;
}
