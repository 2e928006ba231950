/**
 * Slows down password guessing: each failed sign-in for a user name, and from an address, doubles
 * the wait before the next attempt for that name or address is checked (250 ms after the first
 * failure, at most 16 s), and a success clears the name's count. Attempts sent at once do not
 * share a wait: each takes the next slot, one wait after the one before, so guessing in parallel
 * is no faster than in turn. Memory is bounded: at most
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
  /** The earliest time the next attempt may be checked. */
  next: number;
}

/** Failed sign-ins per key (`user:<name>`, `ip:<address>`). */
export class Throttle {
  private readonly failures = new Map<string, Failures>();
  constructor(private readonly opts: ThrottleOptions = THROTTLE_DEFAULTS) {}

  private backoff(f: Failures): number {
    return Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** (f.count - 1));
  }

  /** The key's failures, unless forgotten by now. */
  private current(key: string, now: number): Failures | undefined {
    const f = this.failures.get(key);
    if (f && now - f.last > this.opts.forgetMs) {
      this.failures.delete(key);
      return undefined;
    }
    return f;
  }

  /** The wait between attempts for these keys, as their failures stand (ms). */
  delay(keys: readonly string[]): number {
    const now = Date.now();
    let most = 0;
    for (const k of keys) {
      const f = this.current(k, now);
      if (f) most = Math.max(most, this.backoff(f));
    }
    return most;
  }

  /** Waits for this attempt's slot: the next free one of every key, each slot one wait after the one before. */
  async wait(keys: readonly string[]): Promise<void> {
    const now = Date.now();
    let until = now;
    for (const k of keys) {
      const f = this.current(k, now);
      if (!f) continue;
      const slot = Math.max(now, f.next);
      f.next = slot + this.backoff(f);
      until = Math.max(until, slot);
    }
    if (until > now) await new Promise((r) => setTimeout(r, until - now));
  }

  /** Counts a failed attempt for each key. */
  fail(keys: readonly string[]): void {
    const now = Date.now();
    for (const k of keys) {
      const f = this.current(k, now);
      this.failures.delete(k); // re-inserted last: the map's order is least recently failed first
      const failed: Failures = { count: (f?.count ?? 0) + 1, last: now, next: 0 };
      failed.next = Math.max(f?.next ?? 0, now + this.backoff(failed));
      this.failures.set(k, failed);
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
