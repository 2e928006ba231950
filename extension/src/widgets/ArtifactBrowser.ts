/**
 * ArtifactBrowser — a run's artifact tree with a preview of the chosen file: images, text,
 * JSON, CSV as a table, HTML in a sandboxed frame, notebooks (.ipynb) rendered read-only.
 * It follows the run live: files logged while it is open appear in the tree, and the file
 * being previewed is shown again when it is rewritten.
 */
import type { Watcher } from '@lablog/client';
import { Panel } from '@lumino/widgets';
import { ArtifactPreview } from './artifacts/ArtifactPreview.js';
import { ArtifactTree, type ArtifactNode } from './artifacts/ArtifactTree.js';
import type { ViewerContext } from './context.js';
import { RegistryActions } from './registry/RegistryActions.js';

/** Options of an artifact browser. */
export interface ArtifactBrowserOptions {
  runId: string;
  /** The file (or folder) shown first. */
  path?: string;
  /** Called when the user opens another file, so the view's URL can follow. */
  onOpen?: (path: string) => void;
}

/** Live changes are gathered this long before the tree is listed again. */
const REFRESH_DELAY_MS = 150;

/** Browses and previews one run's artifacts. */
export class ArtifactBrowser extends Panel {
  private readonly tree: ArtifactTree;
  private readonly preview: ArtifactPreview;
  private watcher: Watcher | null = null;
  /** What to read again: some paths, the whole listing, or the listing and the previewed file. */
  private pending: Set<string> | 'listing' | 'all' | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** The path asked for last (by the route or the user), so a late reveal does not win over a newer one. */
  private wanted: string | undefined;
  private hasFiles = false;

  constructor(
    private readonly ctx: ViewerContext,
    private opts: ArtifactBrowserOptions,
  ) {
    super();
    this.addClass('ll-artifacts');
    this.tree = new ArtifactTree(ctx.query, {
      runId: opts.runId,
      onOpen: (node) => this.userOpened(node),
      onRootListed: (files) => this.rootListed(files),
    });
    const registry = new RegistryActions(ctx.lablog.edits, ctx.query);
    this.preview = new ArtifactPreview(ctx.query, opts.runId, (source, name) => void registry.register(opts.runId, source, name));
    this.addWidget(this.tree);
    this.addWidget(this.preview);
    this.follow();
    this.open(opts.path ?? '');
  }

  /** Shows another file (or folder) of the same run; `undefined` keeps the current one. */
  open(path: string | undefined): void {
    if (path === undefined || this.isDisposed) return;
    this.opts = { ...this.opts, path };
    if (path !== '' && path === this.preview.path) return;
    void this.showPath(path);
  }

  private async showPath(path: string): Promise<void> {
    this.wanted = path;
    const node = await this.tree.reveal(path);
    if (this.isDisposed || this.wanted !== path) return;
    if (node && !node.isDir) {
      this.tree.select(node.path);
      void this.preview.showFile(node.path, node.size);
    } else if (!node && path !== '') {
      this.tree.select(null);
      this.preview.showMissing(path);
    } else {
      this.tree.select(null);
      this.preview.showEmpty(this.hasFiles ? 'choose' : 'no-artifacts');
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    void this.watcher?.return();
    this.watcher = null;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    super.dispose();
  }

  private userOpened(node: ArtifactNode): void {
    this.wanted = node.path;
    this.opts = { ...this.opts, path: node.path };
    this.tree.select(node.path);
    void this.preview.showFile(node.path, node.size);
    this.opts.onOpen?.(node.path);
  }

  private rootListed(files: number): void {
    const had = this.hasFiles;
    this.hasFiles = files > 0;
    // the empty state changes when the first file arrives (or the last goes)
    if (had !== this.hasFiles && this.preview.path === null && !this.opts.path) this.preview.showEmpty(this.hasFiles ? 'choose' : 'no-artifacts');
  }

  /** Listens for the run's artifact changes; without a live channel the listing stays as read. */
  private follow(): void {
    let w: Watcher;
    try {
      w = this.ctx.lablog.watch({ run: this.opts.runId }, { snapshot: false });
    } catch {
      return;
    }
    this.watcher = w;
    void (async () => {
      try {
        for await (const ev of w) {
          // at the start only the listing may be behind: the preview is shown again only if its file changed
          if (ev.kind === 'gap') this.changed(ev.reason === 'start' ? 'listing' : 'all');
          else if (ev.kind === 'artifact') this.changed(ev.path);
        }
      } catch {
        // a plain MLflow server has no live channel: the listing is what was read
      }
    })();
  }

  private changed(path: string | 'listing' | 'all'): void {
    if (path === 'all' || this.pending === 'all') this.pending = 'all';
    else if (path === 'listing' || this.pending === 'listing') this.pending = 'listing';
    else {
      this.pending ??= new Set();
      this.pending.add(path);
    }
    this.refreshTimer ??= setTimeout(() => void this.applyChanges(), REFRESH_DELAY_MS);
  }

  private async applyChanges(): Promise<void> {
    this.refreshTimer = null;
    const pending = this.pending;
    this.pending = null;
    if (!pending || this.isDisposed) return;
    const shown = this.preview.path;
    const sizeBefore = shown === null ? undefined : this.tree.get(shown)?.size;
    await this.tree.refresh(typeof pending === 'string' ? undefined : [...pending]);
    if (this.isDisposed || shown === null || shown !== this.preview.path) return;
    const node = this.tree.get(shown);
    const touched = pending === 'all' || (pending === 'listing' ? !node || node.size !== sizeBefore : pending.has(shown));
    if (!touched) return;
    // the previewed file was rewritten or deleted
    if (node && !node.isDir) void this.preview.showFile(node.path, node.size);
    else {
      this.tree.select(null);
      this.preview.showMissing(shown);
    }
  }
}
