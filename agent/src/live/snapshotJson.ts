/**
 * A scope's current state as the JSON of a `snapshot` message, written one record at a time:
 * no array of wire objects beside the text, and a size past which the snapshot is refused
 * instead of built, so one subscription can never take more than that of the agent's memory.
 */
import type { Scope } from '@lablog/schema';
import { MlflowError } from '../errors.js';
import { formatLimit } from '../http/errorReply.js';
import { wireExperiment, wireRun } from '../mlflow/wire.js';
import type { ScopeState } from '../store/TrackingStore.js';

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
 * A scope's state as snapshot JSON.
 * @param state the scope's experiments and runs at a feed seq (the store's `scopeState`)
 * @param maxBytes the largest snapshot built
 * @throws RESOURCE_EXHAUSTED past `maxBytes`
 */
export function snapshotJson(state: ScopeState, scope: Scope, maxBytes: number): ScopeSnapshot {
  const budget = new Budget(maxBytes, scope);
  const experimentsJson = budget.array(state.experiments, (e) => JSON.stringify(wireExperiment(e)));
  const runsJson = budget.array(state.runs, (r) => JSON.stringify(wireRun(r)));
  return { seq: state.seq, experiments: experimentsJson, runs: runsJson, size: budget.used };
}
