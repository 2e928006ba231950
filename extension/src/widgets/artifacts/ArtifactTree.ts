/**
 * ArtifactTree — a run's artifact folders and files as a keyboard-navigable tree (WAI-ARIA
 * tree pattern: arrows move and fold, Enter opens). A folder is listed when first expanded;
 * `refresh` lists again the folders already read, keeping what is expanded.
 */
import type { Queries } from '@lablog/client';
import { Widget } from '@lumino/widgets';
import { el } from '../previews/dom.js';
import { formatBytes } from './formatBytes.js';

/** One file or folder of the tree. */
export interface ArtifactNode {
  /** Path from the run's artifact root, `/`-separated; `''` for the root. */
  path: string;
  name: string;
  isDir: boolean;
  size?: number;
  expanded: boolean;
  /** Entries of a folder once listed, else null. */
  children: ArtifactNode[] | null;
  loading: boolean;
  error?: string;
}

/** Options of the tree. */
export interface ArtifactTreeOptions {
  runId: string;
  /** The user opened a file (click, Enter). */
  onOpen: (node: ArtifactNode) => void;
  /** The root listing arrived (or changed): the browser shows an empty state for no files. */
  onRootListed?: (files: number) => void;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** A run's artifacts as a tree. */
export class ArtifactTree extends Widget {
  private readonly root: ArtifactNode = { path: '', name: '', isDir: true, expanded: true, children: null, loading: false };
  private readonly nodes = new Map<string, ArtifactNode>([['', this.root]]);
  /** The file being previewed. */
  private selected: string | null = null;
  /** The row that has (or would have) keyboard focus. */
  private active: string | null = null;
  private readonly list = el('div', 'll-tree-rows');

  constructor(
    private readonly query: Queries,
    private readonly opts: ArtifactTreeOptions,
  ) {
    super();
    this.addClass('ll-artifact-tree');
    this.list.setAttribute('role', 'tree');
    this.list.setAttribute('aria-label', 'Artifacts');
    this.node.append(this.list);
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    this.list.addEventListener('click', (e) => this.onClick(e));
  }

  /** The node at `path`, if listed. */
  get(path: string): ArtifactNode | undefined {
    return this.nodes.get(path);
  }

  /** Lists the root (once). */
  async start(): Promise<void> {
    await this.listFolder(this.root);
  }

  /**
   * Lists and expands the folders above `path` (and `path` itself when a folder), so it can
   * be shown; returns its node, or undefined when there is no such artifact.
   */
  async reveal(path: string): Promise<ArtifactNode | undefined> {
    const parts = path.split('/').filter(Boolean);
    if (this.root.children === null) await this.listFolder(this.root);
    let node = this.root;
    for (let i = 0; i < parts.length; i++) {
      const next = node.isDir ? this.nodes.get(parts.slice(0, i + 1).join('/')) : undefined;
      if (!next) {
        this.render();
        return undefined;
      }
      node = next;
      if (node.isDir) {
        node.expanded = true;
        if (node.children === null) await this.listFolder(node);
      }
    }
    if (node !== this.root) this.active = node.path;
    this.render();
    return node === this.root ? undefined : node;
  }

  /** Marks `path` as the previewed file (or none). */
  select(path: string | null): void {
    this.selected = path;
    if (path !== null) this.active = path;
    this.render();
  }

  /**
   * Lists again the folders already read that hold one of `paths` (all of them when not
   * given): new files show, deleted ones go, expanded folders stay expanded.
   */
  async refresh(paths?: readonly string[]): Promise<void> {
    const folders = new Set<string>();
    if (paths === undefined) {
      for (const n of this.nodes.values()) if (n.isDir && n.children !== null) folders.add(n.path);
    } else {
      for (const p of paths) {
        // the nearest folder already listed above the changed file (a new subfolder shows there)
        let dir = parentOf(p);
        while (dir !== '' && this.nodes.get(dir)?.children == null) dir = parentOf(dir);
        folders.add(dir);
      }
    }
    // parents first, so a folder that vanished is not listed for nothing
    for (const f of [...folders].sort((a, b) => a.length - b.length)) {
      const node = this.nodes.get(f);
      if (node) await this.listFolder(node);
    }
  }

  /** Lists a folder's entries, merging them with what was shown. */
  private async listFolder(node: ArtifactNode): Promise<void> {
    node.loading = node.children === null;
    if (node.loading) this.render();
    let files;
    try {
      files = (await this.query.listArtifacts(this.opts.runId, node.path || undefined)).files ?? [];
      delete node.error;
    } catch (err) {
      node.loading = false;
      node.error = (err as Error).message;
      node.children ??= [];
      this.render();
      return;
    }
    const before = new Map((node.children ?? []).map((c) => [c.path, c]));
    const next: ArtifactNode[] = [];
    for (const f of files) {
      const name = f.path.slice(f.path.lastIndexOf('/') + 1);
      const old = before.get(f.path);
      before.delete(f.path);
      if (old && old.isDir === f.is_dir) {
        if (f.file_size !== undefined) old.size = f.file_size;
        next.push(old);
        continue;
      }
      if (old) this.forget(old);
      const n: ArtifactNode = { path: f.path, name, isDir: f.is_dir, expanded: false, children: null, loading: false };
      if (f.file_size !== undefined) n.size = f.file_size;
      this.nodes.set(n.path, n);
      next.push(n);
    }
    for (const gone of before.values()) this.forget(gone);
    next.sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.name.localeCompare(b.name));
    node.children = next;
    node.loading = false;
    if (node === this.root) this.opts.onRootListed?.(next.length);
    this.render();
  }

  private forget(node: ArtifactNode): void {
    this.nodes.delete(node.path);
    for (const c of node.children ?? []) this.forget(c);
  }

  /** The rows on screen, in order. */
  private visible(): ArtifactNode[] {
    const out: ArtifactNode[] = [];
    const walk = (n: ArtifactNode): void => {
      for (const c of n.children ?? []) {
        out.push(c);
        if (c.isDir && c.expanded) walk(c);
      }
    };
    walk(this.root);
    return out;
  }

  private render(): void {
    const hadFocus = this.list.contains(document.activeElement);
    const rows = this.visible();
    if (this.active === null || !rows.some((r) => r.path === this.active)) this.active = rows[0]?.path ?? null;
    const out: HTMLElement[] = [];
    const add = (n: ArtifactNode, level: number): void => {
      out.push(this.row(n, level));
      if (!n.isDir || !n.expanded) return;
      if (n.loading) out.push(this.message('Loading…', level + 1));
      if (n.error) out.push(this.message(n.error, level + 1, true));
      else if (n.children?.length === 0) out.push(this.message('(empty folder)', level + 1));
      for (const c of n.children ?? []) add(c, level + 1);
    };
    for (const c of this.root.children ?? []) add(c, 1);
    if (this.root.loading) out.push(this.message('Loading…', 1));
    if (this.root.error) out.push(this.message(this.root.error, 1, true));
    this.list.replaceChildren(...out);
    if (hadFocus) this.focusActive();
  }

  private row(n: ArtifactNode, level: number): HTMLElement {
    const r = el('div', `ll-tree-row ${n.isDir ? 'll-tree-dir' : 'll-tree-file'}`);
    r.setAttribute('role', 'treeitem');
    r.setAttribute('aria-level', String(level));
    r.dataset.path = n.path;
    r.style.setProperty('--ll-tree-level', String(level - 1));
    r.tabIndex = n.path === this.active ? 0 : -1;
    if (n.isDir) r.setAttribute('aria-expanded', String(n.expanded));
    r.setAttribute('aria-selected', String(n.path === this.selected));
    r.append(el('span', 'll-tree-caret', n.isDir ? (n.expanded ? '▾' : '▸') : ''), el('span', 'll-tree-name', n.name), el('span', 'll-tree-size ll-muted', n.isDir ? '' : formatBytes(n.size)));
    r.title = n.path;
    return r;
  }

  private message(text: string, level: number, error = false): HTMLElement {
    const m = el('div', `ll-tree-message ${error ? 'll-error' : 'll-muted'}`, text);
    m.style.setProperty('--ll-tree-level', String(level - 1));
    return m;
  }

  private focusActive(): void {
    const rows = this.list.querySelectorAll<HTMLElement>('.ll-tree-row');
    for (const r of rows) {
      if (r.dataset.path === this.active) {
        r.focus();
        r.scrollIntoView({ block: 'nearest' });
        return;
      }
    }
  }

  private moveTo(path: string | undefined): void {
    if (path === undefined) return;
    this.active = path;
    for (const r of this.list.querySelectorAll<HTMLElement>('.ll-tree-row')) r.tabIndex = r.dataset.path === path ? 0 : -1;
    this.focusActive();
  }

  private toggle(n: ArtifactNode): void {
    n.expanded = !n.expanded;
    this.active = n.path;
    if (n.expanded && n.children === null) void this.listFolder(n);
    else this.render();
  }

  private openNode(n: ArtifactNode): void {
    if (n.isDir) this.toggle(n);
    else {
      this.active = n.path;
      this.opts.onOpen(n);
    }
  }

  private onClick(e: MouseEvent): void {
    const row = (e.target as HTMLElement).closest<HTMLElement>('.ll-tree-row');
    const n = row && this.nodes.get(row.dataset.path ?? '');
    if (!n) return;
    this.openNode(n);
    this.focusActive();
  }

  private onKey(e: KeyboardEvent): void {
    const rows = this.visible();
    const i = rows.findIndex((r) => r.path === this.active);
    const n = rows[i];
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        this.moveTo(rows[Math.min(i + 1, rows.length - 1)]?.path);
        break;
      case 'ArrowUp':
        this.moveTo(rows[Math.max(i - 1, 0)]?.path);
        break;
      case 'Home':
        this.moveTo(rows[0]?.path);
        break;
      case 'End':
        this.moveTo(rows[rows.length - 1]?.path);
        break;
      case 'ArrowRight':
        if (n?.isDir && !n.expanded) this.toggle(n);
        else if (n?.isDir && n.children?.length) this.moveTo(n.children[0]!.path);
        break;
      case 'ArrowLeft':
        if (n?.isDir && n.expanded) this.toggle(n);
        else if (n && parentOf(n.path) !== '') this.moveTo(parentOf(n.path));
        break;
      case 'Enter':
      case ' ':
        if (n) this.openNode(n);
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }
}
