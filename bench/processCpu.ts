/**
 * CPU time a process has used, read from the kernel: what a bench compares when wall times move
 * with the machine (a 2-core VM's wake-ups and neighbours) but the work done does not.
 */
import { readFile } from 'node:fs/promises';

/** Clock ticks a second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** User + system CPU seconds of process `pid` so far (Linux: /proc/<pid>/stat). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name, which is in parentheses and may hold spaces
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
}
