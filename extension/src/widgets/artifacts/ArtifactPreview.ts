/**
 * ArtifactPreview — the chosen artifact file: a header (path, size, Download) and a preview
 * picked by the file's name. Only as much of a file is downloaded as its preview shows; a
 * preview replaced before its download ends is dropped, and its object URLs are revoked.
 */
import { modelCard } from '../previews/modelCard.js';
import { isLoggedTable, tablePreview } from '../previews/tablePreview.js';
import type { Queries } from '@lablog/client';
import { Widget } from '@lumino/widgets';
import { csvPreview } from '../previews/csvPreview.js';
import { el, note } from '../previews/dom.js';
import { imagePreview } from '../previews/imagePreview.js';
import { jsonPreview } from '../previews/jsonPreview.js';
import { notebookPreview } from '../previews/notebookPreview.js';
import { htmlPreview } from '../previews/sandboxedHtml.js';
import { textPreview } from '../previews/textPreview.js';
import { baseName, imageType, looksBinary, previewKind, type PreviewKind } from './artifactKind.js';
import { downloadArtifact } from './downloadArtifact.js';
import { formatBytes } from './formatBytes.js';
import { ObjectUrls } from './ObjectUrls.js';
import { decodeText, discardBody, readHead } from './readBody.js';

/** Bytes of text (and CSV) shown at most: the start of a longer file. */
export const TEXT_PREVIEW_BYTES = 1 << 20;

/** Files larger than this get no preview of their kind (text kinds show their start instead). */
const WHOLE_FILE_LIMIT: Record<PreviewKind, number> = {
  image: 25 << 20,
  json: 10 << 20,
  notebook: 20 << 20,
  mlmodel: 1 << 20,
  html: 5 << 20,
  text: TEXT_PREVIEW_BYTES,
  csv: TEXT_PREVIEW_BYTES,
  tsv: TEXT_PREVIEW_BYTES,
  sniff: TEXT_PREVIEW_BYTES,
  binary: 0,
};

/** What the preview pane shows when no file is: the run has none, or none is chosen yet. */
export type EmptyPreview = 'no-artifacts' | 'choose';

/** The preview pane of the artifact browser. */
export class ArtifactPreview extends Widget {
  private readonly urls = new ObjectUrls();
  /** Increases with every `show`: a load that finds it changed was replaced. */
  private ticket = 0;
  private shown: string | null = null;

  /** @param register offered on a model's card (`MLmodel`): registers a version from its source */
  constructor(
    private readonly query: Queries,
    private readonly runId: string,
    private readonly register?: (source: string, suggestedName: string) => void,
  ) {
    super();
    this.addClass('ll-artifact-preview');
  }

  /** The file shown, if any. */
  get path(): string | null {
    return this.shown;
  }

  /** Shows no file: an empty state. */
  showEmpty(why: EmptyPreview): void {
    this.reset(null);
    const box = el('div', 'll-empty');
    if (why === 'choose') {
      box.append(el('p', '', 'Choose a file on the left to preview it. Arrow keys move, Enter opens.'));
    } else {
      box.append(
        el('h2', '', 'No artifacts yet'),
        el('p', '', 'Files this run logs appear here as they are written, for example:'),
        el('pre', '', 'mlflow.log_artifact("confusion_matrix.png")\nmlflow.log_dict({"classes": labels}, "labels.json")\nmlflow.log_text(report, "report.html")'),
      );
    }
    this.node.replaceChildren(box);
  }

  /** Says there is no artifact at `path`. */
  showMissing(path: string): void {
    this.reset(null);
    const box = el('div', 'll-empty');
    box.append(el('h2', '', 'Not found'), el('p', '', `This run has no artifact at “${path}”. It may have been deleted.`));
    this.node.replaceChildren(box);
  }

  /**
   * Shows the file at `path`.
   * @param size its size from the listing, when known (a file too large for its preview is not downloaded)
   */
  async showFile(path: string, size?: number): Promise<void> {
    const ticket = this.reset(path);
    const body = el('div', 'll-preview-body');
    this.node.replaceChildren(this.header(path, size), body);
    body.append(note('Loading…'));
    const kind = previewKind(path);
    const limit = WHOLE_FILE_LIMIT[kind];
    const headOnly = kind === 'text' || kind === 'csv' || kind === 'tsv' || kind === 'sniff';
    if (kind === 'binary') return this.noPreview(body, path, 'There is no preview for this kind of file.');
    if (!headOnly && size !== undefined && size > limit) return this.noPreview(body, path, `This file is too large to preview (${formatBytes(size)}).`);
    try {
      const res = await this.query.fetchArtifact(this.runId, path);
      if (ticket !== this.ticket) return discardBody(res);
      const head = await readHead(res, limit);
      if (ticket !== this.ticket) return;
      if (head.truncated && !headOnly) return this.noPreview(body, path, 'This file is too large to preview.');
      const shown = this.render(kind, path, head.bytes, head.truncated ? { shown: head.bytes.length, ...(size === undefined ? {} : { size }) } : undefined);
      if (!shown) return this.noPreview(body, path, 'This file looks binary: there is no preview for it.');
      body.replaceChildren(shown);
    } catch (err) {
      if (ticket !== this.ticket) return;
      const e = el('div', 'll-error', (err as Error).message);
      body.replaceChildren(e);
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.ticket++;
    this.urls.revokeAll();
    super.dispose();
  }

  /** Forgets the current preview; returns the ticket of the next one. */
  private reset(path: string | null): number {
    this.urls.revokeAll();
    this.shown = path;
    return ++this.ticket;
  }

  private header(path: string, size?: number): HTMLElement {
    const h = el('div', 'll-preview-header');
    const title = el('div', 'll-preview-title');
    title.append(el('span', 'll-preview-path ll-mono', path), el('span', 'll-preview-size ll-muted', formatBytes(size)));
    h.append(title, this.downloadButton(path));
    return h;
  }

  private downloadButton(path: string): HTMLElement {
    const wrap = el('span', 'll-download');
    const b = el('button', 'll-button ll-download-button', 'Download');
    b.type = 'button';
    b.title = `Download ${baseName(path)}`;
    const status = el('span', 'll-download-status');
    b.addEventListener('click', () => {
      b.disabled = true;
      status.replaceChildren();
      downloadArtifact(this.query, this.runId, path)
        .catch((err: Error) => status.replaceChildren(el('span', 'll-error', err.message)))
        .finally(() => {
          b.disabled = false;
        });
    });
    wrap.append(b, status);
    return wrap;
  }

  private noPreview(body: HTMLElement, path: string, why: string): void {
    const box = el('div', 'll-empty ll-no-preview');
    box.append(el('p', '', why), this.downloadButton(path));
    body.replaceChildren(box);
  }

  /** The preview of a downloaded file, or null when it turns out to be binary. */
  private render(kind: PreviewKind, path: string, bytes: Uint8Array, truncation: { shown: number; size?: number } | undefined): HTMLElement | null {
    const truncated = truncation !== undefined;
    switch (kind) {
      case 'image':
        return imagePreview(new Blob([bytes as Uint8Array<ArrayBuffer>]), imageType(path), baseName(path), this.urls);
      case 'csv':
      case 'tsv':
        return csvPreview(decodeText(bytes, truncated), kind === 'csv' ? ',' : '\t', truncation);
      case 'html':
        return htmlPreview(decodeText(bytes, false), baseName(path));
      case 'json':
      case 'notebook': {
        const text = decodeText(bytes, false);
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          const box = textPreview(text);
          box.prepend(el('div', 'll-error', `Not valid JSON: ${(err as Error).message}`));
          return box;
        }
        if (kind === 'notebook') return notebookPreview(value, this.urls);
        return isLoggedTable(value) ? tablePreview(value) : jsonPreview(value);
      }
      case 'mlmodel': {
        const text = decodeText(bytes, false);
        const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
        const card = modelCard(text, { runId: this.runId, folder, ...(this.register ? { register: this.register } : {}) });
        const raw = textPreview(text);
        if (!card) return raw;
        const box = el('div', 'll-preview-model');
        box.append(card, raw);
        return box;
      }
      case 'sniff':
        if (looksBinary(bytes)) return null;
        return textPreview(decodeText(bytes, truncated), truncation);
      default:
        return textPreview(decodeText(bytes, truncated), truncation);
    }
  }
}
