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

/**
 * The lookup over the agent's stores.
 * @param loggedModelExperiment a logged model's experiment id (throws RESOURCE_DOES_NOT_EXIST for none)
 */
export function resourceLookup(tracking: TrackingStore, loggedModelExperiment: (modelId: string) => Promise<string> | string): ResourceLookup {
  return {
    experimentOfRun: (runId) => absentAsNull(async () => (await tracking.getRun(runId)).info.experiment_id),
    experimentIdByName: (name) => absentAsNull(async () => (await tracking.getExperimentByName(name))?.experiment_id ?? null),
    experimentOfLoggedModel: (modelId) => absentAsNull(() => loggedModelExperiment(modelId)),
  };
}
