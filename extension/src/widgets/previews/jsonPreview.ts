/**
 * JSON preview: the value pretty-printed as a tree of `<details>` — objects and arrays fold,
 * the first levels open. Children are built when a node is first opened, so a 5 MB file does
 * not build a million elements up front.
 */
import { el, note } from './dom.js';

/** Levels open at first. */
const OPEN_DEPTH = 2;
/** Entries shown per object or array before "… n more". */
const MAX_ENTRIES = 500;

/** Shows a parsed JSON value. */
export function jsonPreview(value: unknown): HTMLElement {
  const box = el('div', 'll-preview-json ll-mono');
  box.append(node(null, value, 0));
  return box;
}

function node(key: string | null, value: unknown, depth: number): HTMLElement {
  if (value === null || typeof value !== 'object') {
    const line = el('div', 'll-json-line');
    if (key !== null) line.append(keyLabel(key));
    line.append(scalar(value));
    return line;
  }
  const isArray = Array.isArray(value);
  const entries: Array<[string, unknown]> = isArray ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const d = el('details', 'll-json-node');
  const summary = el('summary');
  if (key !== null) summary.append(keyLabel(key));
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  summary.append(el('span', 'll-json-punct', open), el('span', 'll-json-count ll-muted', ` ${entries.length} ${isArray ? 'item' : 'key'}${entries.length === 1 ? '' : 's'} `));
  const tail = el('span', 'll-json-punct ll-json-close', close);
  summary.append(tail);
  d.append(summary);
  let built = false;
  const build = (): void => {
    if (built) return;
    built = true;
    const children = el('div', 'll-json-children');
    for (const [k, v] of entries.slice(0, MAX_ENTRIES)) children.append(node(isArray ? k : JSON.stringify(k), v, depth + 1));
    if (entries.length > MAX_ENTRIES) children.append(note(`… ${entries.length - MAX_ENTRIES} more`));
    d.append(children, el('div', 'll-json-punct', close));
  };
  d.addEventListener('toggle', () => {
    if (d.open) build();
  });
  if (depth < OPEN_DEPTH && entries.length > 0) {
    build();
    d.open = true;
  }
  return d;
}

function keyLabel(key: string): HTMLElement {
  return el('span', 'll-json-key', `${key}: `);
}

function scalar(v: unknown): HTMLElement {
  if (v === null) return el('span', 'll-json-null', 'null');
  if (typeof v === 'string') return el('span', 'll-json-string', JSON.stringify(v));
  if (typeof v === 'number') return el('span', 'll-json-number', String(v));
  if (typeof v === 'boolean') return el('span', 'll-json-bool', String(v));
  return el('span', '', String(v));
}
