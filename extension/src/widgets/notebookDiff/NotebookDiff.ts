/**
 * NotebookDiff — two runs' notebooks (their `notebook/end.ipynb` snapshot, else the start one)
 * compared cell by cell: cells only in one, cells whose source changed (with a line diff), and
 * unchanged cells folded into a count. Cells are matched by their nbformat id when both
 * notebooks have ids, else by source.
 */
import type { WireRun } from '@lablog/schema';
import { Widget } from '@lumino/widgets';
import type { ViewerContext } from '../context.js';
import { runLabel } from '../format.js';
import { diffSequences } from './diffSequences.js';

/** A cell as the diff sees it. */
interface DiffCell {
  id: string | undefined;
  type: string;
  source: string;
  count: number | null;
}

const SNAPSHOTS = ['notebook/end.ipynb', 'notebook/start.ipynb'];

/** Reads a run's latest notebook snapshot; null when it has none. */
async function snapshotOf(ctx: ViewerContext, runId: string): Promise<{ path: string; cells: DiffCell[] } | null> {
  // listed first: asking for a file that is not there would be a failed request (a console error)
  let present: Set<string>;
  try {
    present = new Set((await ctx.query.listArtifacts(runId, 'notebook')).files?.map((f) => f.path) ?? []);
  } catch {
    return null;
  }
  for (const path of SNAPSHOTS) {
    if (!present.has(path)) continue;
    try {
      const res = await ctx.query.fetchArtifact(runId, path);
      const nb = (await res.json()) as { cells?: Array<{ id?: string; cell_type?: string; source?: string | string[]; execution_count?: number | null }> };
      const cells = (nb.cells ?? []).map((c) => ({
        id: c.id,
        type: c.cell_type ?? 'code',
        source: Array.isArray(c.source) ? c.source.join('') : (c.source ?? ''),
        count: c.execution_count ?? null,
      }));
      return { path, cells };
    } catch {
      // no such snapshot: try the next one
    }
  }
  return null;
}

/** The cell-by-cell diff of two runs' notebooks. */
export class NotebookDiff extends Widget {
  constructor(
    private readonly ctx: ViewerContext,
    private readonly runs: [WireRun, WireRun],
  ) {
    super();
    this.addClass('ll-notebook-diff');
    this.node.textContent = 'Reading the notebooks…';
    void this.load();
  }

  private async load(): Promise<void> {
    const [a, b] = await Promise.all(this.runs.map((r) => snapshotOf(this.ctx, r.info.run_id)));
    if (this.isDisposed) return;
    if (!a || !b) {
      const missing = this.runs.filter((_, i) => !(i === 0 ? a : b)).map(runLabel);
      this.node.replaceChildren(note(`No notebook snapshot for ${missing.join(' and ')}: runs started from a linked JupyterLab notebook have one.`));
      return;
    }
    const byId = a.cells.every((c) => c.id) && b.cells.every((c) => c.id);
    const ops = diffSequences(a.cells, b.cells, byId ? (x, y) => x.id === y.id : (x, y) => x.source === y.source && x.type === y.type);
    const root = document.createElement('div');
    const head = document.createElement('div');
    head.className = 'll-muted';
    const counts = { same: 0, changed: 0, added: 0, removed: 0 };
    for (const op of ops) {
      if (op.kind === 'same') counts[op.left.source === op.right.source ? 'same' : 'changed']++;
      else counts[op.kind]++;
    }
    head.textContent = `${runLabel(this.runs[0])} (${a.path}) → ${runLabel(this.runs[1])} (${b.path}): ${counts.changed} changed, ${counts.added} added, ${counts.removed} removed, ${counts.same} unchanged`;
    root.append(head);
    let folded = 0;
    const flush = (): void => {
      if (folded === 0) return;
      const f = document.createElement('div');
      f.className = 'll-nbdiff-folded ll-muted';
      f.textContent = `… ${folded} unchanged cell${folded === 1 ? '' : 's'}`;
      root.append(f);
      folded = 0;
    };
    for (const op of ops) {
      if (op.kind === 'same' && op.left.source === op.right.source) {
        folded++;
        continue;
      }
      flush();
      if (op.kind === 'same') root.append(cellBlock('changed', op.right, lineDiff(op.left.source, op.right.source)));
      else if (op.kind === 'added') root.append(cellBlock('added', op.right, plain(op.right.source, 'added')));
      else root.append(cellBlock('removed', op.left, plain(op.left.source, 'removed')));
    }
    flush();
    this.node.replaceChildren(root);
  }
}

function note(text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'll-empty';
  p.textContent = text;
  return p;
}

function cellBlock(kind: 'changed' | 'added' | 'removed', cell: DiffCell, body: HTMLElement): HTMLElement {
  const box = document.createElement('div');
  box.className = `ll-nbdiff-cell ll-nbdiff-${kind}`;
  box.dataset.kind = kind;
  const label = document.createElement('div');
  label.className = 'll-nbdiff-label';
  label.textContent = `${kind} ${cell.type} cell${cell.count !== null ? ` [${cell.count}]` : ''}`;
  box.append(label, body);
  return box;
}

function plain(source: string, kind: 'added' | 'removed'): HTMLElement {
  const pre = document.createElement('pre');
  pre.className = 'll-code';
  for (const line of source.split('\n')) pre.append(lineEl(kind, line));
  return pre;
}

function lineDiff(before: string, after: string): HTMLElement {
  const pre = document.createElement('pre');
  pre.className = 'll-code';
  for (const op of diffSequences(before.split('\n'), after.split('\n'), (x, y) => x === y)) {
    if (op.kind === 'same') pre.append(lineEl('same', op.right));
    else if (op.kind === 'removed') pre.append(lineEl('removed', op.left));
    else pre.append(lineEl('added', op.right));
  }
  return pre;
}

function lineEl(kind: 'same' | 'added' | 'removed', text: string): HTMLElement {
  const span = document.createElement('span');
  span.className = `ll-nbdiff-line ll-nbdiff-line-${kind}`;
  span.textContent = `${kind === 'added' ? '+ ' : kind === 'removed' ? '- ' : '  '}${text}\n`;
  return span;
}
