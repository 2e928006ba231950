/**
 * A one-line progress bar for a terminal: redrawn in place with `\r`, at most ten times a
 * second, cut to the terminal's width. On anything but a TTY it draws nothing.
 */

/** Redraws no more often than this. */
const FRAME_MS = 100;
const BAR_WIDTH = 24;

/** A progress bar on a stream (stderr, usually). */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  /** @param stream where to draw; nothing is drawn unless it is a TTY */
  constructor(private readonly stream: NodeJS.WriteStream) {}

  /** Shows `done` of `total` with a short description of the item under way. */
  update(done: number, total: number, what: string): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (done < total && now - this.lastDraw < FRAME_MS) return;
    this.lastDraw = now;
    const ratio = total === 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(ratio * BAR_WIDTH);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total} ${what}`;
    const width = (this.stream.columns || 80) - 1;
    this.stream.write(`\r${line.length > width ? line.slice(0, width) : line.padEnd(width)}`);
    this.drawn = true;
  }

  /** Clears the bar's line, leaving the cursor at its start. Idempotent. */
  clear(): void {
    if (!this.drawn) return;
    this.drawn = false;
    this.stream.write(`\r${' '.repeat((this.stream.columns || 80) - 1)}\r`);
  }
}
