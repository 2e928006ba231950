/**
 * Store commit announcements as live-channel events: the wire shape viewers receive, plus
 * the run and experiment the event belongs to (for matching subscriptions).
 */
import type { LiveEvent } from '@lablog/schema';
import type { StoreEvent } from '../store/records.js';
import { keyValueList, wireExperiment, wireRunInfo } from '../mlflow/wire.js';

/** An event ready for subscribers: what they match on, and its wire JSON. */
export interface RoutedEvent {
  kind: LiveEvent['kind'];
  runId: string | null;
  experimentId: string | null;
  /** The registered model a registry event is about (null for every other event). */
  model?: string | null;
  /** Approximate size of the JSON, for the hub's history budget. */
  size: number;
  /** The event's JSON (the `event` field of an event message). */
  json(): string;
}

type SmallEvent = Exclude<StoreEvent, { type: 'metrics' }>;

/**
 * Converts a store announcement into a routed live event. A metric batch's JSON is assembled
 * on first use around the metric log's lines, which are the points' wire JSON already (one
 * flat string is cheap to keep); other events are small, and run/experiment events refer to
 * live documents, so they are serialised now, as committed.
 */
export function routeEvent(e: StoreEvent): RoutedEvent {
  if (e.type === 'metrics') {
    const { lines } = e;
    const head = `{"kind":"metrics","experiment_id":${JSON.stringify(e.experiment_id)},"run_id":${JSON.stringify(e.run_id)},"metrics":[`;
    let json: string | null = null;
    return {
      kind: 'metrics',
      runId: e.run_id,
      experimentId: e.experiment_id,
      size: head.length + lines.length,
      json: () => (json ??= `${head}${lines.slice(0, -1).replaceAll('\n', ',')}]}`),
    };
  }
  const { runId, experimentId, event } = toLiveEvent(e);
  const json = JSON.stringify(event);
  const model = event.kind === 'registry' ? event.name : null;
  return { kind: event.kind, runId, experimentId, model, size: json.length, json: () => json };
}

function toLiveEvent(e: SmallEvent): { runId: string | null; experimentId: string | null; event: LiveEvent } {
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
