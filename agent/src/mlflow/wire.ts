/**
 * Store records to MLflow wire entities. Non-finite metric values become the strings
 * protobuf JSON uses; RunInfo carries both run_id and run_uuid.
 */
import { toWireDouble, type KeyValue, type WireExperiment, type WireMetric, type WireRun, type WireRunInfo } from '@lablog/schema';
import type { ExperimentRecord, MetricPoint, RunDoc } from '../store/records.js';

/** A metric value as protobuf JSON writes a double. */
export function wireDouble(v: number): WireMetric['value'] {
  return toWireDouble(v);
}

/** A record `{k: v}` as a list of `{key, value}`. */
export function keyValueList(rec: Record<string, string>): KeyValue[] {
  return Object.entries(rec).map(([key, value]) => ({ key, value }));
}

/** A stored metric point on the wire. */
export function wireMetric(p: MetricPoint): WireMetric {
  return { key: p.key, value: wireDouble(p.value), timestamp: p.timestamp, step: p.step };
}

/** RunInfo on the wire. */
export function wireRunInfo(doc: RunDoc): WireRunInfo {
  const i = doc.info;
  const info: WireRunInfo = {
    run_id: i.run_id,
    run_uuid: i.run_id,
    run_name: i.run_name,
    experiment_id: i.experiment_id,
    user_id: i.user_id,
    status: i.status,
    start_time: i.start_time,
    artifact_uri: i.artifact_uri,
    lifecycle_stage: i.lifecycle_stage,
  };
  if (i.end_time !== null) info.end_time = i.end_time;
  return info;
}

/** A Run on the wire: info, latest metrics, params, tags, dataset inputs. */
export function wireRun(doc: RunDoc): WireRun {
  const metrics = Object.entries(doc.latest_metrics).map(([key, m]) => ({
    key,
    value: wireDouble(m.value),
    timestamp: m.timestamp,
    step: m.step,
  }));
  const data: WireRun['data'] = {};
  if (metrics.length > 0) data.metrics = metrics;
  const params = keyValueList(doc.params);
  if (params.length > 0) data.params = params;
  const tags = keyValueList(doc.tags);
  if (tags.length > 0) data.tags = tags;
  const inputs: WireRun['inputs'] = {};
  if (doc.inputs.length > 0) inputs.dataset_inputs = doc.inputs;
  // by model id, as MLflow's SQL store answers them
  if (doc.model_inputs?.length) inputs.model_inputs = [...doc.model_inputs].sort((a, b) => (a.model_id < b.model_id ? -1 : a.model_id > b.model_id ? 1 : 0));
  const run: WireRun = { info: wireRunInfo(doc), data, inputs };
  // MLflow 3's server always sends outputs, {} when the run has no model outputs
  run.outputs = doc.model_outputs?.length ? { model_outputs: doc.model_outputs } : {};
  return run;
}

/** An Experiment on the wire. */
export function wireExperiment(e: ExperimentRecord): WireExperiment {
  const out: WireExperiment = {
    experiment_id: e.experiment_id,
    name: e.name,
    artifact_location: e.artifact_location,
    lifecycle_stage: e.lifecycle_stage,
    last_update_time: e.last_update_time,
    creation_time: e.creation_time,
  };
  const tags = keyValueList(e.tags);
  if (tags.length > 0) out.tags = tags;
  return out;
}
