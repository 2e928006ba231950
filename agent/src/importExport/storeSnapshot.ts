/**
 * A read-only view of a lablog store's files, for `lablog export`: it takes no lock, so it
 * works while an agent is running. Documents are replaced atomically by the agent and the
 * metric log only grows, so what it reads is always whole; a metric line still being written is
 * left out.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readExperiments } from '../store/ExperimentBook.js';
import { GroupCommitter } from '../store/GroupCommitter.js';
import { MetricLog } from '../store/MetricLog.js';
import type { ExperimentRecord, MetricPoint, RunDoc } from '../store/records.js';

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The store's experiments and runs as they are on disk now. */
export class StoreSnapshot {
  private constructor(
    private readonly dir: string,
    private readonly experiments: readonly ExperimentRecord[],
  ) {}

  /** Opens the store at `dir`; null when there is no lablog store there. */
  static async open(dir: string): Promise<StoreSnapshot | null> {
    const experiments = await readExperiments(dir);
    return experiments ? new StoreSnapshot(dir, experiments) : null;
  }

  /** An experiment by id, or undefined. */
  experiment(id: string): ExperimentRecord | undefined {
    return this.experiments.find((e) => e.experiment_id === id);
  }

  /** A run's document (`latest_metrics` may lag behind the metric log), or null. */
  run(runId: string): Promise<RunDoc | null> {
    if (!/^[\w-]+$/.test(runId)) return Promise.resolve(null);
    return readJson<RunDoc>(join(this.dir, 'runs', runId, 'run.json'));
  }

  /** Every run of an experiment. */
  async runsOf(experimentId: string): Promise<RunDoc[]> {
    const out: RunDoc[] = [];
    for (const id of await readdir(join(this.dir, 'runs'))) {
      const doc = await this.run(id);
      if (doc && doc.info.experiment_id === experimentId) out.push(doc);
    }
    return out;
  }

  /** Every metric point of a run, in logging order. */
  async metrics(runId: string): Promise<MetricPoint[]> {
    const path = join(this.dir, 'runs', runId, 'metrics.jsonl');
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      return [];
    }
    // only read: the committer is never used, and the log skips a line with no newline yet
    return new MetricLog(path, size, new GroupCommitter()).all();
  }
}
