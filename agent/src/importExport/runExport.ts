/**
 * What `lablog export` writes about a run: its info, params, tags, the latest value of each
 * metric (highest step wins, then the newest timestamp, as MLflow) and every metric point.
 */
import { isNewer, type LatestMetric, type MetricPoint, type RunDoc } from '../store/records.js';

/** One run, ready to be written as JSON or CSV. */
export interface RunExport {
  run_id: string;
  experiment_id: string;
  run_name: string;
  user_id: string;
  status: string;
  lifecycle_stage: string;
  start_time: number;
  end_time: number | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  latest_metrics: Record<string, LatestMetric>;
  /** Every point of each metric, in logging order. */
  metrics: Record<string, Array<Omit<MetricPoint, 'key'>>>;
}

/** Builds a run's export from its document and its metric log. */
export function runExport(doc: RunDoc, points: readonly MetricPoint[]): RunExport {
  const metrics: RunExport['metrics'] = {};
  const latest: RunExport['latest_metrics'] = {};
  for (const { key, value, timestamp, step } of points) {
    const p = { value, timestamp, step };
    (metrics[key] ??= []).push(p);
    const cur = latest[key];
    if (!cur || isNewer(p, cur)) latest[key] = p;
  }
  const i = doc.info;
  return {
    run_id: i.run_id,
    experiment_id: i.experiment_id,
    run_name: i.run_name,
    user_id: i.user_id,
    status: i.status,
    lifecycle_stage: i.lifecycle_stage,
    start_time: i.start_time,
    end_time: i.end_time,
    params: doc.params,
    tags: doc.tags,
    latest_metrics: latest,
    metrics,
  };
}
