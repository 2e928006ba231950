/**
 * CPU time a process has used, read from the kernel with the agent's own `/proc` parser: what a
 * bench compares when wall times move with the machine (a 2-core VM's wake-ups and neighbours)
 * but the work done does not.
 */
import { readFile } from 'node:fs/promises';
import { CLOCK_TICKS, parseProcStat } from 'lablog/system';

/** User + system CPU seconds of process `pid` so far (Linux: /proc/<pid>/stat). */
export async function cpuSeconds(pid: number): Promise<number> {
  const entry = parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  if (!entry) throw new Error(`unreadable /proc/${pid}/stat`);
  return entry.cpuTicks / CLOCK_TICKS;
}
