/**
 * The two layouts `lablog export` writes (documented in README "Export"):
 * - JSON: one object `{"experiment": {...}, "runs": [RunExport, ...]}`; non-finite metric values
 *   as the strings "NaN", "Infinity", "-Infinity", as MLflow sends them.
 * - CSV: a header `run_id,kind,key,value,step,timestamp`, then one row per fact: kind `info`
 *   (run_name, status, …), `param`, `tag`, `latest_metric`, and `metric` for every point.
 *   Fields are quoted as RFC 4180 says when they hold a comma, a quote or a line break.
 */
import { numberToJson, stringifyDoc } from '../store/jsonCodec.js';
import type { ExperimentRecord } from '../store/records.js';
import type { RunExport } from './runExport.js';

/** The CSV header. */
export const CSV_HEADER = 'run_id,kind,key,value,step,timestamp';

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function csvRow(fields: ReadonlyArray<string | number | null>): string {
  return `${fields.map((f) => csvField(f === null ? '' : String(f))).join(',')}\n`;
}

function metricValue(v: number): string {
  return Number.isFinite(v) ? String(v) : numberToJson(v).slice(1, -1);
}

/** The CSV rows of one run (no header). */
export function runCsv(r: RunExport): string {
  let out = '';
  const info: Array<[string, string | number | null]> = [
    ['experiment_id', r.experiment_id],
    ['run_name', r.run_name],
    ['user_id', r.user_id],
    ['status', r.status],
    ['lifecycle_stage', r.lifecycle_stage],
    ['start_time', r.start_time],
    ['end_time', r.end_time],
  ];
  for (const [k, v] of info) out += csvRow([r.run_id, 'info', k, v, null, null]);
  for (const [k, v] of Object.entries(r.params)) out += csvRow([r.run_id, 'param', k, v, null, null]);
  for (const [k, v] of Object.entries(r.tags)) out += csvRow([r.run_id, 'tag', k, v, null, null]);
  for (const [k, m] of Object.entries(r.latest_metrics)) out += csvRow([r.run_id, 'latest_metric', k, metricValue(m.value), m.step, m.timestamp]);
  for (const [k, points] of Object.entries(r.metrics)) {
    for (const p of points) out += csvRow([r.run_id, 'metric', k, metricValue(p.value), p.step, p.timestamp]);
  }
  return out;
}

/** The JSON export of some runs of one experiment. */
export function exportJson(experiment: ExperimentRecord | undefined, runs: readonly RunExport[]): string {
  const exp = experiment ? { experiment_id: experiment.experiment_id, name: experiment.name } : null;
  return `${stringifyDoc({ experiment: exp, runs })}\n`;
}
