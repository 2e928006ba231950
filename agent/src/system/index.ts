/**
 * `lablog/system`: how the agent reads system metrics (the /proc readers, nvidia-smi's GPU query,
 * one sample's values), for tests and benchmarks that measure them directly.
 */
export { GpuQuery, GPU_QUERY_ARGS, GPU_QUERY_FIELDS, parseGpuQuery, type GpuReading } from './gpuQuery.js';
export { CLOCK_TICKS, parseCpuTimes, parseDiskStats, parseMemInfo, parseNetDev, parseProcStat, processTree, readHostCounters, readProcessTable, readProcessTree, readRss, type HostCounters, type ProcEntry } from './procFiles.js';
export { sampleValues, type Baseline, type KernelTree } from './systemSample.js';
export { SystemSampler, type SystemSamplerOptions } from './SystemSampler.js';
