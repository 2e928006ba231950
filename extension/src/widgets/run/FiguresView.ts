/**
 * FiguresView — the run's "Figures": every image under its `figures/` artifacts (those a notebook
 * cell displayed while the run was active, `figures/cell-<n>-<k>.<ext>`, and any a script logged
 * there), as a gallery in cell order, each captioned with its cell. A click opens the file in the
 * Artifacts tab. Figures that arrive while the view is open appear live.
 */
import { CAPTURE_ARTIFACTS } from '@lablog/schema';
import { Widget } from '@lumino/widgets';
import { baseName, imageType, previewKind } from '../artifacts/artifactKind.js';
import { ObjectUrls } from '../artifacts/ObjectUrls.js';
import type { ViewerContext } from '../context.js';
import { el } from '../previews/dom.js';
import { watchRunFolder } from './watchRunFolder.js';

const FOLDER = CAPTURE_ARTIFACTS.figures.replace(/\/$/, '');
const CELL_FIGURE = /^cell-(\w+)-(\d+)\.\w+$/;
const byName = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true });

/** The caption of a figure: its cell and order (`In [12] · 1`), else its file name. */
function caption(name: string): string {
  const m = CELL_FIGURE.exec(name);
  if (!m) return name;
  const cell = m[1]!.startsWith('t') ? '' : m[1];
  return `In [${cell}] · figure ${m[2]}`;
}

/** The run's figures. */
export class FiguresView extends Widget {
  private urls = new ObjectUrls();
  private readonly stop: () => void;
  private generation = 0;

  /** @param openArtifact shows one file in the run's artifact browser */
  constructor(
    private readonly ctx: ViewerContext,
    private readonly runId: string,
    private readonly openArtifact: (path: string) => void,
  ) {
    super();
    this.addClass('ll-figures');
    this.stop = watchRunFolder(ctx, runId, CAPTURE_ARTIFACTS.figures, () => void this.load());
    void this.load();
  }

  private async load(): Promise<void> {
    const gen = ++this.generation;
    let paths: string[];
    try {
      const list = await this.ctx.query.listArtifacts(this.runId, FOLDER);
      paths = (list.files ?? []).filter((f) => !f.is_dir && previewKind(f.path) === 'image').map((f) => f.path);
    } catch (err) {
      if (gen === this.generation && !this.isDisposed) this.node.replaceChildren(el('div', 'll-error', `The figures could not be listed: ${(err as Error).message}`));
      return;
    }
    paths.sort((a, b) => byName(baseName(a), baseName(b)));
    const urls = new ObjectUrls();
    const tiles = await Promise.all(paths.map((p) => this.tile(p, urls)));
    if (gen !== this.generation || this.isDisposed) {
      urls.revokeAll();
      return;
    }
    this.urls.revokeAll();
    this.urls = urls;
    this.node.dataset.figures = String(paths.length);
    if (paths.length === 0) {
      this.node.replaceChildren(emptyState());
      return;
    }
    const grid = el('div', 'll-figure-grid');
    grid.append(...tiles);
    this.node.replaceChildren(grid);
  }

  /** One figure; its image's URL is made in `urls`, revoked when the gallery is read again. */
  private async tile(path: string, urls: ObjectUrls): Promise<HTMLElement> {
    const figure = el('figure', 'll-figure');
    figure.dataset.path = path;
    const name = baseName(path);
    const button = el('button', 'll-figure-open');
    button.title = `Open ${path} in Artifacts`;
    button.addEventListener('click', () => this.openArtifact(path));
    try {
      const res = await this.ctx.query.fetchArtifact(this.runId, path);
      const img = el('img');
      img.alt = name;
      img.src = urls.make(new Blob([await res.arrayBuffer()], { type: imageType(path) }));
      button.append(img);
    } catch (err) {
      button.append(el('div', 'll-error', (err as Error).message));
    }
    figure.append(button, el('figcaption', '', caption(name)));
    return figure;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.generation++;
    this.stop();
    this.urls.revokeAll();
    super.dispose();
  }
}

function emptyState(): HTMLElement {
  const box = el('div', 'll-empty');
  box.append(
    el('h2', '', 'No figures'),
    el('p', '', 'Every image a notebook cell displays while this run is active (matplotlib, seaborn, plotly static images, any PNG, JPEG or SVG output) is stored under figures/ and shown here. Settings → lablog → Figures turns it off.'),
  );
  return box;
}
