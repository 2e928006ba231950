/**
 * System metrics: what the agent samples for a notebook-linked run while it is active, under
 * MLflow's names (`mlflow.enable_system_metrics_logging()` logs the same keys, so MLflow's UI
 * shows lablog's and a script's alike), plus a few MLflow has no name for (the kernel's own
 * processes, disk and network rates, GPU temperature). Every key starts with `system/`; viewers
 * show them in a section of their own, apart from the run's own metrics.
 */

/** The prefix of every system metric key. */
export const SYSTEM_METRIC_PREFIX = 'system/';

/** True for a system metric key (`system/…`), whoever logged it. */
export function isSystemMetric(key: string): boolean {
  return key.startsWith(SYSTEM_METRIC_PREFIX);
}

/** Host and kernel metric names, without the prefix. The MLflow ones are MLflow's exactly. */
export const SYSTEM_METRICS = {
  // MLflow's (mlflow/system_metrics/metrics/*.py)
  cpu: 'cpu_utilization_percentage',
  memoryUsed: 'system_memory_usage_megabytes',
  memoryPercent: 'system_memory_usage_percentage',
  diskPercent: 'disk_usage_percentage',
  diskUsed: 'disk_usage_megabytes',
  diskAvailable: 'disk_available_megabytes',
  /** Since sampling started for the run, as MLflow counts them. */
  networkReceived: 'network_receive_megabytes',
  networkSent: 'network_transmit_megabytes',
  // lablog's
  kernelCpu: 'kernel_cpu_utilization_percentage',
  kernelRss: 'kernel_memory_rss_megabytes',
  kernelThreads: 'kernel_threads',
  kernelProcesses: 'kernel_processes',
  diskReadRate: 'disk_read_megabytes_per_second',
  diskWriteRate: 'disk_write_megabytes_per_second',
  networkReceiveRate: 'network_receive_megabytes_per_second',
  networkSendRate: 'network_transmit_megabytes_per_second',
} as const;

/** GPU `i`'s metric names, without the prefix: MLflow's (`gpu_0_utilization_percentage`, …), and temperature. */
export function gpuMetricNames(i: number) {
  return {
    utilization: `gpu_${i}_utilization_percentage`,
    memoryPercent: `gpu_${i}_memory_usage_percentage`,
    memoryUsed: `gpu_${i}_memory_usage_megabytes`,
    power: `gpu_${i}_power_usage_watts`,
    powerPercent: `gpu_${i}_power_usage_percentage`,
    temperature: `gpu_${i}_temperature_celsius`,
  };
}

/** MLflow's default sampling interval (`sampling_interval=10` seconds), lablog's too. */
export const DEFAULT_SYSTEM_METRICS_INTERVAL_MS = 10_000;
