/**
 * Linux's `/proc` read as numbers, with no native code: the process table (for a kernel's
 * process tree), one process's memory and threads, and the host's CPU times, memory, disk and
 * network counters. Each reader answers null (or an empty table) where the file is missing —
 * another OS, or a process that just ended — so a sample is made of what can be read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile, statfs } from 'node:fs/promises';

/** Clock ticks per second of `/proc` CPU times (USER_HZ: 100 on every Linux architecture's ABI). */
export const CLOCK_TICKS = 100;

/** A process as `/proc/<pid>/stat` shows it. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  /** User + system CPU time, in clock ticks. */
  cpuTicks: number;
  threads: number;
}

/** Parses `/proc/<pid>/stat` (the command name may hold spaces and parentheses: fields follow the last `)`). */
export function parseProcStat(text: string): ProcEntry | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  // fields 3… of proc(5): state, ppid, …; utime is field 14, stime 15, num_threads 20
  const f = text.slice(close + 2).split(' ');
  const ppid = Number(f[1]);
  const cpuTicks = Number(f[11]) + Number(f[12]);
  const threads = Number(f[17]);
  if (![pid, ppid, cpuTicks, threads].every(Number.isFinite)) return null;
  return { pid, ppid, cpuTicks, threads };
}

async function text(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** Every process now, by pid (empty without `/proc`). Processes ending during the scan are left out. */
export async function readProcessTable(): Promise<Map<number, ProcEntry>> {
  const table = new Map<number, ProcEntry>();
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return table;
  }
  const pids = names.filter((n) => /^\d+$/.test(n));
  const stats = await Promise.all(pids.map((p) => text(`/proc/${p}/stat`)));
  for (const s of stats) {
    const e = s === null ? null : parseProcStat(s);
    if (e) table.set(e.pid, e);
  }
  return table;
}

/** `root` and every process below it in `table`. */
export function processTree(table: ReadonlyMap<number, ProcEntry>, root: number): ProcEntry[] {
  if (!table.has(root)) return [];
  const children = new Map<number, number[]>();
  for (const e of table.values()) {
    const list = children.get(e.ppid);
    if (list) list.push(e.pid);
    else children.set(e.ppid, [e.pid]);
  }
  const tree: ProcEntry[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop()!;
    const e = table.get(pid);
    if (!e) continue;
    tree.push(e);
    todo.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** A small `/proc` file read at once (procfs answers from memory: no disk, microseconds), null when gone. */
function procText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The process tree under `root` (root first), following each thread's `children` file — a few
 * reads for a kernel and its workers instead of a scan of every process; a kernel built without
 * those files (CONFIG_PROC_CHILDREN) gets the scan. Null when `root` is gone.
 */
export async function readProcessTree(root: number): Promise<ProcEntry[] | null> {
  const first = procText(`/proc/${root}/stat`);
  const rootEntry = first === null ? null : parseProcStat(first);
  if (!rootEntry) return null;
  if (procText(`/proc/${root}/task/${root}/children`) === null) return processTree(await readProcessTable(), root);
  const tree: ProcEntry[] = [];
  const todo: ProcEntry[] = [rootEntry];
  while (todo.length > 0) {
    const e = todo.pop()!;
    tree.push(e);
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${e.pid}/task`);
    } catch {
      continue; // ended meanwhile
    }
    for (const tid of tids) {
      for (const child of (procText(`/proc/${e.pid}/task/${tid}/children`) ?? '').split(' ')) {
        const text = child ? procText(`/proc/${child}/stat`) : null;
        const c = text === null ? null : parseProcStat(text);
        if (c) todo.push(c);
      }
    }
  }
  return tree;
}

/** Resident memory of process `pid` in bytes (`VmRSS` of `/proc/<pid>/status`), null when it is gone. */
export async function readRss(pid: number): Promise<number | null> {
  const s = procText(`/proc/${pid}/status`);
  const m = s?.match(/^VmRSS:\s+(\d+)\s+kB/m);
  // a kernel thread or a zombie has no VmRSS line: it holds no memory of its own
  return s === null ? null : m ? Number(m[1]) * 1024 : 0;
}

/** The host's CPU times in clock ticks: all of them, and the idle ones (idle + iowait). */
export interface CpuTimes {
  total: number;
  idle: number;
}

/** Parses the `cpu` line of `/proc/stat`. */
export function parseCpuTimes(text: string): CpuTimes | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (v.length < 5 || v.some((n) => !Number.isFinite(n))) return null;
  return { total: v.reduce((a, b) => a + b, 0), idle: v[3]! + v[4]! };
}

/** Memory of the host, in bytes: `used` as `MemTotal − MemAvailable`. */
export interface Memory {
  total: number;
  used: number;
}

/** Parses `/proc/meminfo`. */
export function parseMemInfo(text: string): Memory | null {
  const kb = (k: string) => Number(text.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))?.[1] ?? NaN) * 1024;
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  return Number.isFinite(total) && Number.isFinite(available) ? { total, used: total - available } : null;
}

/** Bytes received and sent by every interface but loopback (`/proc/net/dev`). */
export function parseNetDev(text: string): { received: number; sent: number } {
  let received = 0;
  let sent = 0;
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    // the agent's own traffic (kernels, viewers) is on loopback: it is not the host's network
    if (line.slice(0, colon).trim() === 'lo') continue;
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    received += f[0] ?? 0;
    sent += f[8] ?? 0;
  }
  return { received, sent };
}

/** Bytes read and written by the given block devices (`/proc/diskstats`; sectors of 512 bytes). */
export function parseDiskStats(text: string, disks: ReadonlySet<string>): { read: number; written: number } {
  let read = 0;
  let written = 0;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !disks.has(f[2]!)) continue;
    read += Number(f[5]) * 512;
    written += Number(f[9]) * 512;
  }
  return { read, written };
}

/** The whole disks of the host (`/sys/block`, without loop and RAM devices): their partitions are not counted twice. */
export async function readDiskNames(): Promise<Set<string>> {
  try {
    return new Set((await readdir('/sys/block')).filter((n) => !/^(loop|ram|zram)/.test(n)));
  } catch {
    return new Set();
  }
}

/** Everything about the host one sample reads; a field is null where it cannot be read. */
export interface HostCounters {
  cpu: CpuTimes | null;
  memory: Memory | null;
  net: { received: number; sent: number } | null;
  disk: { read: number; written: number } | null;
  /** The root filesystem, in bytes (as MLflow's `psutil.disk_usage('/')`). */
  fs: { used: number; free: number } | null;
}

/** Reads the host's counters once. */
export async function readHostCounters(disks: ReadonlySet<string>): Promise<HostCounters> {
  const stat = procText('/proc/stat');
  const mem = procText('/proc/meminfo');
  const net = procText('/proc/net/dev');
  const diskstats = procText('/proc/diskstats');
  const fs = await statfs('/').catch(() => null);
  return {
    cpu: stat === null ? null : parseCpuTimes(stat),
    memory: mem === null ? null : parseMemInfo(mem),
    net: net === null ? null : parseNetDev(net),
    disk: diskstats === null ? null : parseDiskStats(diskstats, disks),
    fs: fs === null ? null : { used: (fs.blocks - fs.bfree) * fs.bsize, free: fs.bavail * fs.bsize },
  };
}
