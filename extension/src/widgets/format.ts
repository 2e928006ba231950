/**
 * How values read in every view: dates, durations, metric values, run names and statuses.
 */
import { fromWireDouble, type WireMetric, type WireRun } from '@lablog/schema';

/** `2026-11-23 14:05:09` in local time; empty for no time. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return '';
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** How long ago `ms` was, as people say it: `just now`, `5 min ago`, `3 h ago`, `2 days ago`; past a month, the date. */
export function formatAgo(ms: number | undefined, now = Date.now()): string {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return '';
  const s = Math.max(0, (now - ms) / 1000);
  if (s < 45) return 'just now';
  if (s < 90 * 60) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  if (s < 30 * 86400) return `${Math.round(s / 86400)} days ago`;
  return formatTime(ms).slice(0, 10);
}

/** `850ms`, `12.3s`, `4m 05s`, `2h 03m`, `3d 4h`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A run's duration: end − start, or now − start while it runs. */
export function runDuration(run: WireRun, now = Date.now()): number | undefined {
  const start = run.info.start_time;
  if (!start) return undefined;
  const end = run.info.end_time ?? (run.info.status === 'RUNNING' ? now : undefined);
  return end === undefined ? undefined : end - start;
}

/** A metric value from the wire (a number, or `"NaN"`/`"Infinity"` strings) as a number. */
export function metricNumber(v: WireMetric['value']): number {
  return fromWireDouble(v);
}

/** A number for reading: up to 6 significant digits, exponent for the very large or small. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(4).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(6)));
}

/** The name to show for a run. */
export function runLabel(run: WireRun): string {
  return run.info.run_name || run.info.run_id.slice(0, 8);
}

/** Who ran it, as MLflow's UI says: the `mlflow.user` tag the client sets, else the run's user_id. */
export function runUser(run: WireRun): string {
  return tagOf(run, 'mlflow.user') || run.info.user_id || '';
}

/** A tag's value, or undefined. */
export function tagOf(run: WireRun, key: string): string | undefined {
  return run.data.tags?.find((t) => t.key === key)?.value;
}
