/**
 * Jittered exponential backoff for reconnecting: each delay is drawn uniformly from the upper
 * half of an exponentially growing window, so many clients that lost the same agent do not
 * come back in lockstep.
 */

/** Delays for successive reconnect attempts. */
export class Backoff {
  private attempt = 0;

  /**
   * @param baseMs first window (default 100 ms)
   * @param maxMs largest window (default 5 000 ms)
   */
  constructor(
    private readonly baseMs = 100,
    private readonly maxMs = 5_000,
  ) {}

  /** The delay before the next attempt, in ms. */
  next(): number {
    const window = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return window / 2 + Math.random() * (window / 2);
  }

  /** Starts over after a successful connection. */
  reset(): void {
    this.attempt = 0;
  }
}
