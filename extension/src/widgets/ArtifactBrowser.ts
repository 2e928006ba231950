/**
 * ArtifactBrowser — a run's artifact tree with a preview of the chosen file: images, text,
 * JSON, CSV as a table, HTML in a sandboxed frame, notebooks (.ipynb) rendered read-only.
 * (Placeholder while it is being built.)
 */
import { Widget } from '@lumino/widgets';
import type { ViewerContext } from './context.js';

/** Options of an artifact browser. */
export interface ArtifactBrowserOptions {
  runId: string;
  /** The file (or folder) shown first. */
  path?: string;
  /** Called when the user opens another file, so the view's URL can follow. */
  onOpen?: (path: string) => void;
}

/** Browses and previews one run's artifacts. */
export class ArtifactBrowser extends Widget {
  constructor(
    private readonly ctx: ViewerContext,
    private opts: ArtifactBrowserOptions,
  ) {
    super();
    this.addClass('ll-artifacts');
    this.render();
  }

  /** Shows another file of the same run. */
  open(path: string | undefined): void {
    this.opts = { ...this.opts, ...(path === undefined ? {} : { path }) };
    this.render();
  }

  private render(): void {
    this.node.textContent = `artifacts of ${this.opts.runId} at ${this.opts.path ?? '/'} (${this.ctx.query.url})`;
  }
}
