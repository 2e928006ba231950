/**
 * Memory of another process, read from `/proc/<pid>/status` (Linux), for tests and benchmarks
 * that bound an agent's memory while it works.
 */
import { readFile } from 'node:fs/promises';

/** The resident set size of process `pid`, in MB. */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb) / 1024;
}

/** A running RSS sampler. */
export interface RssSampler {
  /** Stops sampling; resolves with the highest RSS seen (MB), the last sample included. */
  stop(): Promise<number>;
}

/**
 * Samples the RSS of `pid` every `everyMs` milliseconds (default 20) until stopped.
 */
export function sampleRss(pid: number, everyMs = 20): RssSampler {
  let peak = 0;
  let sampling: Promise<void> = Promise.resolve();
  const sample = () => {
    sampling = rssMb(pid).then(
      (mb) => {
        peak = Math.max(peak, mb);
      },
      () => undefined, // the process has ended
    );
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      sample();
      await sampling;
      return peak;
    },
  };
}
