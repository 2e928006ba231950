/**
 * A read of the runs table due later: live changes that need one (a run added, a value of a run
 * not shown) are gathered for a while and answered by one read. A sooner request brings the read
 * forward; a later one never pushes it back.
 */

/** One pending read at most. */
export class ReadAgain {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private due = 0;

  /** @param read called when the read is due */
  constructor(private readonly read: () => void) {}

  /** Reads in `delay` ms, or sooner when a read is already due sooner. */
  in(delay: number): void {
    const due = performance.now() + delay;
    if (this.timer && this.due <= due) return;
    this.cancel();
    this.due = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.read();
    }, delay);
  }

  /** Drops the pending read (a read is under way, or the view closed). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
