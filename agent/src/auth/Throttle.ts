/**
 * Slows down password guessing: each failed sign-in for a user name, and from an address, doubles
 * the wait before the next attempt for that name or address is checked (250 ms after the first
 * failure, at most 16 s), and a success clears the name's count. Memory is bounded: at most
 * `maxKeys` names and addresses are remembered, the least recently failed forgotten first, and a
 * count is forgotten `forgetMs` after its last failure.
 */

/** Options of a Throttle. */
export interface ThrottleOptions {
  /** Wait after the first failure (ms). Default 250. */
  baseMs: number;
  /** Longest wait (ms). Default 16 000. */
  maxMs: number;
  /** Names and addresses remembered at most. Default 10 000. */
  maxKeys: number;
  /** A count is forgotten this long after its last failure (ms). Default 15 minutes. */
  forgetMs: number;
}

/** Defaults of a Throttle. */
export const THROTTLE_DEFAULTS: ThrottleOptions = { baseMs: 250, maxMs: 16_000, maxKeys: 10_000, forgetMs: 15 * 60_000 };

interface Failures {
  count: number;
  last: number;
}

/** Failed sign-ins per key (`user:<name>`, `ip:<address>`). */
export class Throttle {
  private readonly failures = new Map<string, Failures>();
  constructor(private readonly opts: ThrottleOptions = THROTTLE_DEFAULTS) {}

  /** How long an attempt for these keys waits before it is checked (ms). */
  delay(keys: readonly string[]): number {
    const now = Date.now();
    let most = 0;
    for (const k of keys) {
      const f = this.failures.get(k);
      if (!f) continue;
      if (now - f.last > this.opts.forgetMs) {
        this.failures.delete(k);
        continue;
      }
      most = Math.max(most, Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** (f.count - 1)));
    }
    return most;
  }

  /** Waits as long as `delay` says. */
  async wait(keys: readonly string[]): Promise<void> {
    const ms = this.delay(keys);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  /** Counts a failed attempt for each key. */
  fail(keys: readonly string[]): void {
    for (const k of keys) {
      const f = this.failures.get(k);
      this.failures.delete(k); // re-inserted last: the map's order is least recently failed first
      this.failures.set(k, { count: (f?.count ?? 0) + 1, last: Date.now() });
    }
    while (this.failures.size > this.opts.maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A successful sign-in clears the user name's count (not the address's: one right password does not excuse many wrong ones). */
  succeed(key: string): void {
    this.failures.delete(key);
  }

  /** Keys remembered (for tests of the bound). */
  get size(): number {
    return this.failures.size;
  }
}
