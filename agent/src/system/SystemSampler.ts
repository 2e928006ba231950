/**
 * System metrics of notebook-linked runs, with no user code: while such a run is active the agent
 * samples, every interval (MLflow's 10 s by default), the host, the GPUs and the process tree of
 * the run's kernel (its pid comes from the session's registration), and logs the values to the
 * run under MLflow's `system/` names through the store's ordinary batch path — so they stream
 * live to viewers like any metric, and MLflow's UI shows them too.
 *
 * Runs are learnt from the change feed: a run created under a session this agent knows starts
 * being sampled; an ending (FINISHED, FAILED, KILLED), a deletion, or its kernel's process
 * vanishing stops it. Runs still active when the agent starts are followed again (`resume`) if
 * their kernel still runs, from their last step. One timer serves every run: the host and the GPUs are read once per tick
 * whatever the number of runs, and each kernel's own process tree (a few /proc files).
 */
import { hostname } from 'node:os';
import { DEFAULT_SYSTEM_METRICS_INTERVAL_MS, isSystemMetric, type RunStatus } from '@lablog/schema';
import type { FastifyBaseLogger } from 'fastify';
import type { SessionBook } from '../notebook/SessionBook.js';
import { SESSION_TAG } from '../notebook/sessionTags.js';
import type { MetricPoint, RunDoc } from '../store/records.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import { GpuQuery } from './gpuQuery.js';
import { readDiskNames, readHostCounters, readProcessTree, readRss, type ProcEntry } from './procFiles.js';
import { sampleValues, treeTicks, type Baseline, type KernelTree } from './systemSample.js';

const ENDED: ReadonlySet<RunStatus> = new Set(['FINISHED', 'FAILED', 'KILLED']);

/** Options of the sampler. */
export interface SystemSamplerOptions {
  /** Milliseconds between samples (default DEFAULT_SYSTEM_METRICS_INTERVAL_MS, 10 s); 0 turns sampling off. */
  intervalMs?: number;
  /** The GPU tool to ask (default `nvidia-smi` on PATH). */
  gpuCommand?: string;
}

/** A run being sampled. */
interface SampledRun {
  runId: string;
  /** The kernel's pid, when known and on this host. */
  pid: number | null;
  step: number;
  prev: Baseline;
  /** The timestamps of the last samples this sampler logged (its own points carry one; the feed may lag a tick). */
  logged: number[];
}

/** Samples the system for every active notebook-linked run. */
export class SystemSampler {
  private readonly runs = new Map<string, SampledRun>();
  /** Runs that log system metrics themselves: never sampled again. */
  private readonly ownMetrics = new Set<string>();
  /** Runs whose session is being looked up. */
  private readonly pending = new Set<string>();
  private readonly unsubscribe: () => void;
  private readonly gpus: GpuQuery;
  private readonly intervalMs: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private ticking: Promise<void> | null = null;
  private disks: Promise<Set<string>> | null = null;
  private closed = false;

  constructor(
    private readonly tracking: TrackingStore,
    private readonly sessions: SessionBook,
    private readonly log: FastifyBaseLogger,
    opts: SystemSamplerOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? DEFAULT_SYSTEM_METRICS_INTERVAL_MS;
    this.gpus = new GpuQuery(opts.gpuCommand);
    this.unsubscribe =
      this.intervalMs > 0
        ? tracking.feed.subscribe(({ event: e }) => {
            if (e.type === 'run') this.runChanged(e.run);
            else if (e.type === 'metrics') this.metricsLogged(e.run_id, e.metrics);
          })
        : () => {};
  }

  /** The ids of the runs being sampled now. */
  get sampledRuns(): string[] {
    return [...this.runs.keys()];
  }

  private runChanged(run: RunDoc): void {
    const runId = run.info.run_id;
    if (ENDED.has(run.info.status) || run.info.lifecycle_stage !== 'active') {
      this.stop(runId);
      this.ownMetrics.delete(runId);
      return;
    }
    const sessionId = run.tags[SESSION_TAG];
    if (sessionId === undefined || run.info.status !== 'RUNNING' || this.runs.has(runId) || this.pending.has(runId) || this.ownMetrics.has(runId)) return;
    this.follow(run, sessionId, false);
  }

  /**
   * A run whose own code logs system metrics (`mlflow.enable_system_metrics_logging()` in the
   * notebook) is left to it: two samplers under the same names would make one jagged series.
   */
  private metricsLogged(runId: string, points: readonly MetricPoint[]): void {
    const run = this.runs.get(runId);
    if (run && points.some((p) => isSystemMetric(p.key) && !run.logged.includes(p.timestamp))) {
      this.log.info({ runId }, 'system metrics: the run logs its own; lablog stops sampling it');
      this.ownMetrics.add(runId);
      this.stop(runId);
    }
  }

  private follow(run: RunDoc, sessionId: string, resumed: boolean): void {
    const runId = run.info.run_id;
    this.pending.add(runId);
    void this.start(run, sessionId, resumed)
      .catch((err: unknown) => this.log.warn({ err, runId }, 'system metrics: a run could not be followed'))
      .finally(() => this.pending.delete(runId));
  }

  /**
   * Starts sampling a run of session `sessionId`, when this agent knows the session.
   * @param resumed the run was active when the agent started: followed only if its kernel still runs
   */
  private async start(run: RunDoc, sessionId: string, resumed: boolean): Promise<void> {
    const runId = run.info.run_id;
    const session = await this.sessions.find(sessionId);
    // a session of another agent (a shared database): that agent samples its runs
    if (!session || this.closed) return;
    const python = session.doc.python;
    // a pid is meaningful only on the kernel's own host
    let pid = python?.pid !== undefined && python.hostname === hostname() ? python.pid : null;
    const [host, tree] = await Promise.all([readHostCounters(await this.diskNames()), pid === null ? null : readProcessTree(pid)]);
    // a run left active by a kernel that is gone (or cannot be seen) is not sampled for ever
    if (resumed && tree === null) return;
    if (tree === null) pid = null; // registered, but its process is not there: the host only
    // ended or deleted while the session was read: the feed said so already
    if (!this.pending.has(runId) || this.closed) return;
    // a run followed again goes on from its last step, as MLflow's resume_logging does
    const steps = Object.entries(run.latest_metrics ?? {}).filter(([key]) => isSystemMetric(key)).map(([, m]) => m.step + 1);
    const step = Math.max(0, ...steps);
    this.runs.set(runId, { runId, pid, step, logged: [], prev: { time: Date.now(), host, kernelTicks: tree ? treeTicks(tree) : new Map(), netStart: host.net } });
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref?.();
  }

  /**
   * Follows again the session runs still active when the agent starts (it stopped while they ran),
   * those whose kernel is still running. Called once at start; resolves when done, never rejects.
   */
  async resume(tracking: Pick<TrackingStore, 'getRun'>): Promise<void> {
    if (this.intervalMs <= 0) return;
    try {
      for (const id of await this.sessions.ids()) {
        const session = await this.sessions.find(id);
        for (const link of session?.doc.runs ?? []) {
          if (this.closed) return;
          const run = await tracking.getRun(link.run_id).catch(() => null);
          if (!run || run.info.status !== 'RUNNING' || run.info.lifecycle_stage !== 'active') continue;
          if (!this.runs.has(run.info.run_id) && !this.pending.has(run.info.run_id)) this.follow(run, id, true);
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'system metrics: resuming the active runs failed');
    }
  }

  private stop(runId: string): void {
    this.pending.delete(runId);
    this.runs.delete(runId);
    if (this.runs.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private diskNames(): Promise<Set<string>> {
    this.disks ??= readDiskNames();
    return this.disks;
  }

  /** One sample of every run; a tick still under way is not overlapped (a slow GPU query skips a beat). */
  private tick(): void {
    if (this.ticking || this.runs.size === 0) return;
    this.ticking = this.sampleAll()
      .catch((err: unknown) => this.log.warn({ err }, 'system metrics: sampling failed'))
      .finally(() => (this.ticking = null));
  }

  /** Samples every run now; resolves once their values are stored. */
  async sampleAll(): Promise<void> {
    const runs = [...this.runs.values()];
    if (runs.length === 0) return;
    const [host, gpus] = await Promise.all([readHostCounters(await this.diskNames()), this.gpus.read()]);
    const now = Date.now();
    const rss = new Map<number, Promise<number | null>>();
    await Promise.all(
      runs.map(async (run) => {
        let kernel: KernelTree | null = null;
        if (run.pid !== null) {
          const processes = await readProcessTree(run.pid);
          if (processes === null) {
            // the kernel died (or was restarted: a new kernel is a new process): its run is not sampled any more
            this.stop(run.runId);
            return;
          }
          kernel = { processes, rss: await Promise.all(processes.map((p) => memo(rss, p))) };
        }
        const values = sampleValues(run.prev, now, host, kernel, gpus);
        run.prev = { ...run.prev, time: now, host, kernelTicks: kernel ? treeTicks(kernel.processes) : run.prev.kernelTicks };
        const step = run.step++;
        const metrics = Object.entries(values).map(([key, value]) => ({ key, value, timestamp: now, step }));
        if (metrics.length === 0 || !this.runs.has(run.runId)) return;
        run.logged = [now, ...run.logged.slice(0, 3)];
        try {
          await this.tracking.logBatch(run.runId, { metrics, params: {}, tags: {} });
        } catch (err) {
          // the run was deleted or ended meanwhile (the feed will say so), or the store refused
          this.log.debug({ err, runId: run.runId }, 'system metrics: a sample was not stored');
        }
      }),
    );
  }

  /** Stops sampling and waits for a sample under way. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    for (const id of [...this.runs.keys()]) this.stop(id);
    await this.ticking;
  }
}

/** The RSS of a process, read once per tick even when several runs share the process. */
function memo(cache: Map<number, Promise<number | null>>, p: ProcEntry): Promise<number | null> {
  let r = cache.get(p.pid);
  if (!r) {
    r = readRss(p.pid);
    cache.set(p.pid, r);
  }
  return r;
}
