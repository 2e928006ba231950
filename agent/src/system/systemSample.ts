/**
 * One system-metrics sample of one run, as metric values under MLflow's names: host CPU and
 * memory, the root filesystem, network and disk rates, the kernel's process tree and the GPUs.
 * Rates and CPU shares are the change since the run's previous reading (`Baseline`), so each run
 * keeps its own and a run started a second ago gets rates over that second.
 */
import { gpuMetricNames, SYSTEM_METRIC_PREFIX, SYSTEM_METRICS as M } from '@lablog/schema';
import type { GpuReading } from './gpuQuery.js';
import { CLOCK_TICKS, type HostCounters, type ProcEntry } from './procFiles.js';

/** What the next sample of a run is measured against. */
export interface Baseline {
  /** Epoch ms of the reading. */
  time: number;
  host: HostCounters;
  /** CPU ticks of each process of the kernel's tree at that time. */
  kernelTicks: Map<number, number>;
  /** Network counters when sampling of the run started (MLflow's network metrics count from there). */
  netStart: { received: number; sent: number } | null;
}

/** The kernel's process tree now: its members and their resident memory (bytes; null when gone meanwhile). */
export interface KernelTree {
  processes: ProcEntry[];
  rss: (number | null)[];
}

const MB = 1e6; // MLflow's megabytes are decimal (`bytes / 1e6`)
const round1 = (n: number) => Math.round(n * 10) / 10;

/** The CPU ticks of each process of a tree, by pid. */
export function treeTicks(processes: readonly ProcEntry[]): Map<number, number> {
  return new Map(processes.map((p) => [p.pid, p.cpuTicks]));
}

/**
 * The values of one sample, by full key (`system/…`).
 * @param prev the run's previous reading (or the one made when its sampling started)
 * @param kernel the kernel's tree now; null when the run's kernel is not known or not on this host
 */
export function sampleValues(prev: Baseline, now: number, host: HostCounters, kernel: KernelTree | null, gpus: readonly GpuReading[]): Record<string, number> {
  const v: Record<string, number> = {};
  const put = (name: string, value: number | null | undefined) => {
    if (value !== null && value !== undefined && Number.isFinite(value)) v[SYSTEM_METRIC_PREFIX + name] = round1(value);
  };
  const seconds = Math.max((now - prev.time) / 1000, 1e-3);
  const p = prev.host;
  if (host.cpu && p.cpu && host.cpu.total > p.cpu.total) {
    const total = host.cpu.total - p.cpu.total;
    put(M.cpu, ((total - (host.cpu.idle - p.cpu.idle)) / total) * 100);
  }
  if (host.memory) {
    put(M.memoryUsed, host.memory.used / MB);
    put(M.memoryPercent, (host.memory.used / host.memory.total) * 100);
  }
  if (host.fs) {
    put(M.diskPercent, (host.fs.used / (host.fs.used + host.fs.free)) * 100);
    put(M.diskUsed, host.fs.used / MB);
    put(M.diskAvailable, host.fs.free / MB);
  }
  if (host.net) {
    if (prev.netStart) {
      put(M.networkReceived, (host.net.received - prev.netStart.received) / MB);
      put(M.networkSent, (host.net.sent - prev.netStart.sent) / MB);
    }
    if (p.net) {
      put(M.networkReceiveRate, Math.max(0, host.net.received - p.net.received) / MB / seconds);
      put(M.networkSendRate, Math.max(0, host.net.sent - p.net.sent) / MB / seconds);
    }
  }
  if (host.disk && p.disk) {
    put(M.diskReadRate, Math.max(0, host.disk.read - p.disk.read) / MB / seconds);
    put(M.diskWriteRate, Math.max(0, host.disk.written - p.disk.written) / MB / seconds);
  }
  if (kernel) {
    // a process new since the last reading used all its CPU time since then
    const ticks = kernel.processes.reduce((sum, e) => sum + Math.max(0, e.cpuTicks - (prev.kernelTicks.get(e.pid) ?? 0)), 0);
    put(M.kernelCpu, (ticks / CLOCK_TICKS / seconds) * 100);
    put(M.kernelRss, kernel.rss.reduce<number>((sum, r) => sum + (r ?? 0), 0) / MB);
    put(M.kernelThreads, kernel.processes.reduce((sum, e) => sum + e.threads, 0));
    put(M.kernelProcesses, kernel.processes.length);
  }
  for (const g of gpus) {
    const n = gpuMetricNames(g.index);
    put(n.utilization, g.utilizationPercent);
    if (g.memoryUsedMiB !== null) {
      put(n.memoryUsed, (g.memoryUsedMiB * 1024 * 1024) / MB);
      if (g.memoryTotalMiB) put(n.memoryPercent, (g.memoryUsedMiB / g.memoryTotalMiB) * 100);
    }
    put(n.power, g.powerWatts);
    if (g.powerWatts !== null && g.powerLimitWatts) put(n.powerPercent, (g.powerWatts / g.powerLimitWatts) * 100);
    put(n.temperature, g.temperatureCelsius);
  }
  return v;
}
