/**
 * Store events as the text kept in the PostgreSQL events table, and back. Metric batches keep
 * their points as the wire JSON lines every consumer reads (see live/liveEvents); numbers that
 * JSON cannot hold (NaN, ±Infinity in a run's latest metrics) travel as MLflow's strings.
 */
import { toWireDouble } from '@lablog/schema';
import { jsonToNumber } from '../jsonCodec.js';
import type { MetricPoint, RunDoc, StoreEvent } from '../records.js';

/** The events table's text for `e`. */
export function encodeEvent(e: StoreEvent): string {
  if (e.type === 'metrics') return JSON.stringify({ type: 'metrics', run_id: e.run_id, experiment_id: e.experiment_id, lines: e.lines });
  return JSON.stringify(e, (_k, v: unknown) => (typeof v === 'number' ? toWireDouble(v) : v));
}

/** A store event from the events table's text. */
export function decodeEvent(body: string): StoreEvent {
  const e = JSON.parse(body) as StoreEvent;
  if (e.type === 'metrics') {
    const metrics: MetricPoint[] = [];
    for (const line of e.lines.split('\n')) {
      if (!line) continue;
      const o = JSON.parse(line) as { key: string; value: unknown; timestamp: number; step: number };
      metrics.push({ key: o.key, value: jsonToNumber(o.value), timestamp: o.timestamp, step: o.step });
    }
    return { ...e, metrics };
  }
  if (e.type === 'run') fixLatest(e.run);
  return e;
}

function fixLatest(run: RunDoc): void {
  for (const m of Object.values(run.latest_metrics)) m.value = jsonToNumber(m.value);
}
