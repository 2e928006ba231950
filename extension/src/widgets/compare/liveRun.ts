/**
 * Applies a committed change (a live event of the run's scope) to a run as `runs/get` returns
 * it, so a compared run stays current without being read again.
 */
import { replacesLatest, type LiveEvent, type WireMetric, type WireRun } from '@lablog/schema';
import { metricNumber } from '../format.js';

/** `run` with `event` applied (a new object when something changed; `run` itself otherwise). */
export function applyLiveEvent(run: WireRun, event: LiveEvent): WireRun {
  switch (event.kind) {
    case 'run': {
      const tags = event.tags ? upsert(run.data.tags ?? [], event.tags) : run.data.tags;
      return { ...run, info: event.info, data: { ...run.data, ...(tags ? { tags } : {}) } };
    }
    case 'params':
      return { ...run, data: { ...run.data, params: upsert(run.data.params ?? [], event.params) } };
    case 'tags': {
      const deleted = new Set(event.deleted ?? []);
      const tags = upsert(run.data.tags ?? [], event.tags).filter((t) => !deleted.has(t.key));
      return { ...run, data: { ...run.data, tags } };
    }
    case 'metrics':
      return { ...run, data: { ...run.data, metrics: withLatest(run.data.metrics ?? [], event.metrics) } };
    default:
      return run;
  }
}

function upsert(list: ReadonlyArray<{ key: string; value: string }>, changes: ReadonlyArray<{ key: string; value: string }>): Array<{ key: string; value: string }> {
  const byKey = new Map(list.map((kv) => [kv.key, kv.value]));
  for (const kv of changes) byKey.set(kv.key, kv.value);
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/**
 * The latest point per key after `points`, by MLflow's rule: the highest step wins, then the
 * latest timestamp, then the larger value.
 */
export function withLatest(latest: readonly WireMetric[], points: readonly WireMetric[]): WireMetric[] {
  const byKey = new Map(latest.map((m) => [m.key, m]));
  for (const p of points) {
    const cur = byKey.get(p.key);
    if (!cur || replacesLatest(p, cur)) byKey.set(p.key, p);
  }
  return [...byKey.values()];
}


