/**
 * How the permission checks find the experiment behind a run, an experiment name or a logged
 * model, from the stores the routes use. A resource that does not exist is null: the route then
 * answers its own 404.
 */
import { MlflowError } from '../errors.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import type { ResourceLookup } from './Access.js';

function absentAsNull<T>(read: () => Promise<T> | T): Promise<T | null> {
  return Promise.resolve()
    .then(read)
    .catch((err: unknown) => {
      if (err instanceof MlflowError && err.code === 'RESOURCE_DOES_NOT_EXIST') return null;
      throw err;
    });
}

/** Runs (and logged models) whose experiment is remembered at most. */
const REMEMBERED = 10_000;

/**
 * `read`, remembered per key: a run never moves to another experiment (nor a logged model), so
 * the hot path (every log-batch names its run) asks the store once per run. Bounded: the oldest
 * key is forgotten first. Absence is not remembered (the run may be created next).
 */
function remembered(read: (key: string) => Promise<string | null>): (key: string) => Promise<string | null> {
  const known = new Map<string, string>();
  return async (key) => {
    const hit = known.get(key);
    if (hit !== undefined) return hit;
    const value = await read(key);
    if (value !== null) {
      known.set(key, value);
      if (known.size > REMEMBERED) known.delete(known.keys().next().value!);
    }
    return value;
  };
}

/**
 * The lookup over the agent's stores.
 * @param loggedModelExperiment a logged model's experiment id (throws RESOURCE_DOES_NOT_EXIST for none)
 */
export function resourceLookup(tracking: TrackingStore, loggedModelExperiment: (modelId: string) => Promise<string> | string): ResourceLookup {
  return {
    experimentOfRun: remembered((runId) => absentAsNull(async () => (await tracking.getRun(runId)).info.experiment_id)),
    experimentIdByName: (name) => absentAsNull(async () => (await tracking.getExperimentByName(name))?.experiment_id ?? null),
    experimentOfLoggedModel: remembered((modelId) => absentAsNull(() => loggedModelExperiment(modelId))),
  };
}
