/**
 * LogView — the run's console output: the files under its `logs/` artifacts (`logs/console.log`,
 * written one block per cell for a notebook-linked run, and any log a script put there), shown by
 * cell, with a search box that keeps only the lines containing the text (case-insensitive) under
 * their cell, the matches marked. The search is in the route, so a shared link finds the same.
 * Output that arrives while the view is open appears live.
 */
import { CAPTURE_ARTIFACTS, CONSOLE_HEADER } from '@lablog/schema';
import { Widget } from '@lumino/widgets';
import { baseName, previewKind } from '../artifacts/artifactKind.js';
import { decodeText, readHead } from '../artifacts/readBody.js';
import type { ViewerContext } from '../context.js';
import { el, note } from '../previews/dom.js';
import { watchRunFolder } from './watchRunFolder.js';

const FOLDER = CAPTURE_ARTIFACTS.logs.replace(/\/$/, '');
/** Bytes of one log file read at most (its start). */
const MAX_BYTES = 8 << 20;
/** Lines drawn at most; past that the view says how many more there are. */
const MAX_LINES = 5000;

/** A cell's (or a file's) part of the logs. */
interface LogBlock {
  title: string;
  lines: string[];
}

/** Cuts a log file into blocks at each cell's header line (a file without any is one block). */
export function logBlocks(file: string, text: string): LogBlock[] {
  const blocks: LogBlock[] = [];
  let current: LogBlock | null = null;
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  for (const line of lines) {
    const m = CONSOLE_HEADER.exec(line);
    if (m) {
      current = { title: `In [${m[1]!.trim()}] · ${new Date(m[2]!).toLocaleString()}`, lines: [] };
      blocks.push(current);
    } else {
      if (!current) {
        current = { title: file, lines: [] };
        blocks.push(current);
      }
      current.lines.push(line);
    }
  }
  return blocks;
}

/** The run's console output, searchable. */
export class LogView extends Widget {
  private readonly search = el('input', 'll-log-search');
  private readonly summary = el('div', 'll-log-summary ll-muted');
  private readonly body = el('div', 'll-log-body');
  private blocks: LogBlock[] = [];
  private readonly stop: () => void;
  private generation = 0;
  private loaded = false;

  /**
   * @param find the search at first (from the route)
   * @param findChanged told of every change of the search (the view puts it in the route)
   */
  constructor(
    private readonly ctx: ViewerContext,
    private readonly runId: string,
    find: string,
    private readonly findChanged: (find: string) => void,
  ) {
    super();
    this.addClass('ll-logs');
    this.search.type = 'search';
    this.search.placeholder = 'Search the console output';
    this.search.setAttribute('aria-label', 'Search the console output');
    this.search.value = find;
    this.search.addEventListener('input', () => {
      this.render();
      this.findChanged(this.search.value);
    });
    const bar = el('div', 'll-log-bar');
    bar.append(this.search, this.summary);
    this.node.append(bar, this.body);
    this.stop = watchRunFolder(ctx, runId, CAPTURE_ARTIFACTS.logs, () => void this.load());
    void this.load();
  }

  private async load(): Promise<void> {
    const gen = ++this.generation;
    try {
      const list = await this.ctx.query.listArtifacts(this.runId, FOLDER);
      const files = (list.files ?? []).filter((f) => !f.is_dir && previewKind(f.path) !== 'image' && previewKind(f.path) !== 'binary');
      const texts = await Promise.all(
        files.map(async (f) => {
          const head = await readHead(await this.ctx.query.fetchArtifact(this.runId, f.path), MAX_BYTES);
          return logBlocks(baseName(f.path), decodeText(head.bytes, head.truncated));
        }),
      );
      if (gen !== this.generation || this.isDisposed) return;
      this.blocks = texts.flat();
    } catch (err) {
      if (gen !== this.generation || this.isDisposed) return;
      this.body.replaceChildren(el('div', 'll-error', `The logs could not be read: ${(err as Error).message}`));
      return;
    }
    this.loaded = true;
    this.render();
  }

  private render(): void {
    if (!this.loaded) return;
    const find = this.search.value.trim().toLowerCase();
    this.node.dataset.blocks = String(this.blocks.length);
    if (this.blocks.length === 0) {
      this.summary.textContent = '';
      this.body.replaceChildren(emptyState());
      return;
    }
    let shown = 0;
    let matched = 0;
    const out: HTMLElement[] = [];
    for (const b of this.blocks) {
      const lines = find ? b.lines.filter((l) => l.toLowerCase().includes(find)) : b.lines;
      matched += lines.length;
      if (lines.length === 0 || shown >= MAX_LINES) continue;
      const take = lines.slice(0, MAX_LINES - shown);
      shown += take.length;
      const section = el('section', 'll-log-block');
      const pre = el('pre', 'll-code');
      for (const line of take) pre.append(find ? marked(line, find) : line, '\n');
      section.append(el('h4', 'll-log-cell', b.title), pre);
      out.push(section);
    }
    this.summary.textContent = find ? `${matched} line${matched === 1 ? '' : 's'} match` : `${this.blocks.length} cell${this.blocks.length === 1 ? '' : 's'}`;
    if (matched > shown) out.push(note(`${matched - shown} more lines not shown; narrow the search or download logs/ from Artifacts.`));
    if (find && matched === 0) out.push(el('div', 'll-empty', `No line contains “${this.search.value.trim()}”.`));
    this.body.replaceChildren(...out);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.generation++;
    this.stop();
    super.dispose();
  }
}

/** `line` with each occurrence of `find` (lower case) in a `<mark>`. */
function marked(line: string, find: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  const lower = line.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(find); i >= 0; i = lower.indexOf(find, i + find.length)) {
    frag.append(line.slice(at, i), el('mark', '', line.slice(i, i + find.length)));
    at = i + find.length;
  }
  frag.append(line.slice(at));
  return frag;
}

function emptyState(): HTMLElement {
  const box = el('div', 'll-empty');
  box.append(
    el('h2', '', 'No console output'),
    el('p', '', 'The text output (stdout, stderr, errors with tracebacks) of the notebook cells run while this run is active is stored under logs/ and shown here. Settings → lablog → Console output turns it off.'),
  );
  return box;
}
