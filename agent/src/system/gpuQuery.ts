/**
 * GPUs through `nvidia-smi` (the NVIDIA driver's own tool, on PATH wherever the driver is): one
 * `--query-gpu` call per sample gives every GPU's utilisation, memory, power and temperature as
 * CSV. No native binding is loaded into the agent; a host without the tool, or whose driver
 * answers an error, has no GPU metrics and the tool is not asked again.
 */
import { execFile } from 'node:child_process';

/** The fields asked for, in this order (`nvidia-smi --help-query-gpu` names them). */
export const GPU_QUERY_FIELDS = ['index', 'utilization.gpu', 'memory.used', 'memory.total', 'power.draw', 'power.limit', 'temperature.gpu'] as const;

/** The arguments of the query: values without units or header, one GPU a line. */
export const GPU_QUERY_ARGS = [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];

/** One GPU's readings; a field the GPU does not report (`[N/A]`, `[Not Supported]`) is null. */
export interface GpuReading {
  index: number;
  utilizationPercent: number | null;
  /** MiB, as nvidia-smi reports memory. */
  memoryUsedMiB: number | null;
  memoryTotalMiB: number | null;
  powerWatts: number | null;
  powerLimitWatts: number | null;
  temperatureCelsius: number | null;
}

function value(field: string | undefined): number | null {
  const n = Number(field?.trim());
  return field === undefined || field.trim() === '' || !Number.isFinite(n) ? null : n;
}

/** Parses the query's output; lines that are not a GPU's readings are skipped. */
export function parseGpuQuery(output: string): GpuReading[] {
  const gpus: GpuReading[] = [];
  for (const line of output.split('\n')) {
    const f = line.split(',');
    const index = value(f[0]);
    if (f.length < GPU_QUERY_FIELDS.length || index === null || !Number.isInteger(index)) continue;
    gpus.push({
      index,
      utilizationPercent: value(f[1]),
      memoryUsedMiB: value(f[2]),
      memoryTotalMiB: value(f[3]),
      powerWatts: value(f[4]),
      powerLimitWatts: value(f[5]),
      temperatureCelsius: value(f[6]),
    });
  }
  return gpus;
}

/** Asks `nvidia-smi` for readings, until it fails once: then there are no GPUs to sample. */
export class GpuQuery {
  private available = true;

  /**
   * @param command the tool (default `nvidia-smi`, found on PATH)
   * @param timeoutMs how long one query may take (a hung driver must not stall sampling)
   */
  constructor(
    private readonly command = 'nvidia-smi',
    private readonly timeoutMs = 5000,
  ) {}

  /** False once the tool was missing or failed: GPU sampling is off. */
  get enabled(): boolean {
    return this.available;
  }

  /** The GPUs' readings now; an empty list when there are none (or no tool). Never rejects. */
  read(): Promise<GpuReading[]> {
    if (!this.available) return Promise.resolve([]);
    return new Promise((resolve) => {
      execFile(this.command, GPU_QUERY_ARGS, { timeout: this.timeoutMs, windowsHide: true }, (err, stdout) => {
        if (err) {
          // ENOENT (no driver on this host), or the driver's own error: no GPU sampling
          this.available = false;
          resolve([]);
          return;
        }
        const gpus = parseGpuQuery(stdout);
        if (gpus.length === 0) this.available = false;
        resolve(gpus);
      });
    });
  }
}
