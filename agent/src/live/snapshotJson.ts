/**
 * A scope's current state as the JSON of a `snapshot` message, written one record at a time:
 * no array of wire objects beside the text, and a size past which the snapshot is refused
 * instead of built, so one subscription can never take more than that of the agent's memory.
 */
import type { Scope } from '@lablog/schema';
import { MlflowError } from '../errors.js';
import { formatLimit } from '../http/errorReply.js';
import { wireExperiment, wireRun } from '../mlflow/wire.js';
import type { FileStore } from '../store/FileStore.js';
import type { ExperimentRecord, RunDoc } from '../store/records.js';

/** A scope's state at `seq`: its experiments and runs as JSON array text. */
export interface ScopeSnapshot {
  seq: number;
  experiments: string;
  runs: string;
  /** Length of both texts together. */
  size: number;
}

/** Builds JSON array text from records, counting against a shared budget. */
class Budget {
  used = 0;
  constructor(
    private readonly max: number,
    private readonly scope: Scope,
  ) {}
  array<T>(items: Iterable<T>, toJson: (item: T) => string): string {
    const parts: string[] = [];
    for (const item of items) {
      const json = toJson(item);
      this.used += json.length + 1;
      if (this.used > this.max) {
        const what = this.scope.kind === 'all' ? 'the whole store' : `${this.scope.kind} scope`;
        throw new MlflowError(
          'RESOURCE_EXHAUSTED',
          `A snapshot of ${what} would be larger than ${formatLimit(this.max)}, the most the agent sends at once: subscribe to a narrower scope, or without a snapshot and read the runs with runs/search.`,
        );
      }
      parts.push(json);
    }
    return `[${parts.join(',')}]`;
  }
}

/**
 * The current state of `scope` in `store`, taken now (synchronously: nothing commits meanwhile).
 * @param seq the live channel's seq at this moment
 * @param maxBytes the largest snapshot built
 * @throws RESOURCE_EXHAUSTED past `maxBytes`; RESOURCE_DOES_NOT_EXIST for a run scope whose run is gone
 */
export function snapshotJson(store: FileStore, scope: Scope, seq: number, maxBytes: number): ScopeSnapshot {
  const book = store.experiments;
  const budget = new Budget(maxBytes, scope);
  let experiments: Iterable<ExperimentRecord>;
  let runs: Iterable<RunDoc>;
  switch (scope.kind) {
    case 'all':
      experiments = book.all();
      runs = store.runsOf([]);
      break;
    case 'experiment':
      experiments = book.all().filter((e) => e.experiment_id === scope.experiment_id);
      runs = store.runsOf([scope.experiment_id]);
      break;
    case 'run': {
      const run = store.getRun(scope.run_id);
      experiments = [book.get(run.info.experiment_id)];
      runs = [run];
      break;
    }
  }
  const experimentsJson = budget.array(experiments, (e) => JSON.stringify(wireExperiment(e)));
  const runsJson = budget.array(runs, (r) => JSON.stringify(wireRun(r)));
  return { seq, experiments: experimentsJson, runs: runsJson, size: budget.used };
}
