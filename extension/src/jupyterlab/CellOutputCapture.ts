/**
 * What one cell displays, gathered from the kernel's messages as they arrive (the cell never waits
 * for it): every image (`display_data` and `execute_result` with `image/png`, `image/jpeg` or
 * `image/svg+xml`) and its console text (`stream` stdout/stderr, an `error`'s traceback without
 * terminal colours). Bounded: a cell that plots in a loop keeps its first MAX_IMAGES images (and
 * MAX_IMAGE_DATA of them), and the text past MAX_TEXT is cut with a note, so a runaway cell never
 * costs unbounded memory and its report is never refused for its size.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { FIGURE_TYPES, MAX_FIGURE_DATA, type CellImage, type ConsoleText, type FigureType, type LogCellOutputs } from '@lablog/schema';
import { stripAnsi } from '../widgets/previews/ansi.js';

/** The name of the User Timing measure of each cell's capture (`performance.getEntriesByName`). */
export const CAPTURE_MEASURE = 'lablog:capture';

/** Images kept per cell. */
export const MAX_IMAGES = 50;
/** Image data kept per cell, in characters (a report stays under the agent's 64 MB limit of the route). */
export const MAX_IMAGE_DATA = 48 * 1024 * 1024;
/** Console text kept per cell, in characters. */
export const MAX_TEXT = 2 * 1024 * 1024;

/** The image types in the order one is picked when an output offers several (a PNG over its SVG twin). */
const PREFERRED = Object.keys(FIGURE_TYPES) as FigureType[];

/** What to capture. */
export interface CaptureChoice {
  figures: boolean;
  logs: boolean;
}

/** The outputs of one cell so far. */
export class CellOutputCapture {
  private readonly images: CellImage[] = [];
  private imageData = 0;
  private readonly text: ConsoleText[] = [];
  private textLength = 0;
  private cut = false;
  /** Milliseconds spent gathering so far (the capture's own cost on the page). */
  spentMs = 0;

  constructor(private readonly choice: CaptureChoice) {}

  /** Takes what an iopub message of the cell carries, if anything. */
  add(msg: KernelMessage.IMessage): void {
    const t0 = performance.now();
    const type = msg.header.msg_type;
    if ((type === 'display_data' || type === 'execute_result') && this.choice.figures) {
      const data = (msg.content as KernelMessage.IDisplayDataMsg['content']).data;
      const mime = PREFERRED.find((m) => typeof data[m] === 'string' || Array.isArray(data[m]));
      if (mime && this.images.length < MAX_IMAGES) {
        const raw = data[mime] as string | string[];
        // Jupyter may send an SVG as a list of lines; base64 may carry line breaks
        const text = Array.isArray(raw) ? raw.join('') : raw;
        const image = { mime, data: mime === 'image/svg+xml' ? text : text.replace(/\s+/g, '') };
        // (an image larger than the agent takes is left out, not the whole report)
        if (image.data.length <= MAX_FIGURE_DATA && this.imageData + image.data.length <= MAX_IMAGE_DATA) {
          this.images.push(image);
          this.imageData += image.data.length;
        }
      }
    } else if (type === 'stream' && this.choice.logs) {
      const c = msg.content as KernelMessage.IStreamMsg['content'];
      this.addText(c.name === 'stderr' ? 'stderr' : 'stdout', c.text);
    } else if (type === 'error' && this.choice.logs) {
      const c = msg.content as KernelMessage.IErrorMsg['content'];
      const tb = c.traceback.length > 0 ? c.traceback.join('\n') : `${c.ename}: ${c.evalue}`;
      this.addText('error', stripAnsi(tb));
    }
    this.spentMs += performance.now() - t0;
  }

  private addText(stream: ConsoleText['stream'], text: string): void {
    if (this.cut) return;
    const room = MAX_TEXT - this.textLength;
    if (text.length > room) {
      this.cut = true;
      text = `${text.slice(0, room)}\n[lablog: the rest of this cell's output was not kept (over ${MAX_TEXT} characters)]\n`;
    }
    this.textLength += text.length;
    const last = this.text[this.text.length - 1];
    // consecutive chunks of one stream (a print per step) make one piece
    if (last && last.stream === stream && stream !== 'error') last.text += text;
    else this.text.push({ stream, text });
  }

  /** True when the cell displayed an image or printed something worth keeping. */
  get isEmpty(): boolean {
    return this.images.length === 0 && this.text.length === 0;
  }

  /** The report of the finished cell. */
  report(cell: { cellId: string | undefined; executionCount: number | null; started: number; ended: number }): LogCellOutputs {
    return {
      ...(cell.cellId ? { cell_id: cell.cellId } : {}),
      execution_count: cell.executionCount,
      started: cell.started,
      ended: cell.ended,
      images: this.images,
      text: this.text,
    };
  }
}
