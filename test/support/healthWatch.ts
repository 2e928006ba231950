/**
 * Asks an agent's `/health` over and over while something else goes on, for tests that show
 * an attack does not take the agent away from its other clients.
 */

/** A running health watch. */
export interface HealthWatch {
  /** Stops asking; resolves with how many answers came, and the failures (none when the agent always answered). */
  stop(): Promise<{ answered: number; failures: string[] }>;
}

/**
 * Sends `GET /health` to `base` one after the other, `everyMs` apart, each allowed `timeoutMs`.
 * The timeout is generous: the point is that the agent answers, not how fast.
 */
export function watchHealth(base: string, everyMs = 100, timeoutMs = 10_000): HealthWatch {
  let running = true;
  let answered = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(timeoutMs) });
        if (res.status === 200 && (await res.text()) === 'OK') answered++;
        else failures.push(`status ${res.status}`);
      } catch (err) {
        failures.push(String(err));
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { answered, failures };
    },
  };
}
