/**
 * Store commit announcements as live-channel events: the wire shape viewers receive, plus
 * the run and experiment the event belongs to (for matching subscriptions).
 */
import type { LiveEvent } from '@lablog/schema';
import type { StoreEvent } from '../store/records.js';
import { keyValueList, wireExperiment, wireMetric, wireRunInfo } from '../mlflow/wire.js';

/** An event with what subscriptions match on. */
export interface RoutedEvent {
  runId: string | null;
  experimentId: string | null;
  event: LiveEvent;
}

/** Converts a store announcement into a live event. */
export function toLiveEvent(e: StoreEvent): RoutedEvent {
  switch (e.type) {
    case 'experiment':
      return { runId: null, experimentId: e.experiment.experiment_id, event: { kind: 'experiment', experiment: wireExperiment(e.experiment) } };
    case 'run': {
      const info = wireRunInfo(e.run);
      return {
        runId: info.run_id,
        experimentId: info.experiment_id,
        event: { kind: 'run', experiment_id: info.experiment_id, run_id: info.run_id, info, tags: keyValueList(e.run.tags) },
      };
    }
    case 'params':
      return { runId: e.run_id, experimentId: e.experiment_id, event: { kind: 'params', experiment_id: e.experiment_id, run_id: e.run_id, params: keyValueList(e.params) } };
    case 'tags':
      return {
        runId: e.run_id,
        experimentId: e.experiment_id,
        event: { kind: 'tags', experiment_id: e.experiment_id, run_id: e.run_id, tags: keyValueList(e.tags), ...(e.deleted ? { deleted: e.deleted } : {}) },
      };
    case 'metrics':
      return { runId: e.run_id, experimentId: e.experiment_id, event: { kind: 'metrics', experiment_id: e.experiment_id, run_id: e.run_id, metrics: e.metrics.map(wireMetric) } };
    case 'inputs':
      return { runId: e.run_id, experimentId: e.experiment_id, event: { kind: 'inputs', experiment_id: e.experiment_id, run_id: e.run_id, inputs: e.inputs } };
    case 'artifact':
      return {
        runId: e.run_id,
        experimentId: e.experiment_id,
        event: { kind: 'artifact', experiment_id: e.experiment_id, run_id: e.run_id, path: e.path, file_size: e.file_size, ...(e.deleted ? { deleted: true } : {}) },
      };
    case 'registry':
      // belongs to no run or experiment: only 'all' subscriptions see it
      return { runId: null, experimentId: null, event: { kind: 'registry', name: e.name, ...(e.version ? { version: e.version } : {}), change: e.change } };
  }
}
