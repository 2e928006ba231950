/**
 * Applying a committed change (a live event of a run's scope) to a run as `runs/get` returns
 * it, so a view that holds runs — the runs table, compare, a run's page — stays current without
 * reading them again. The one copy of this rule: every view uses it, so they agree.
 */
import { replacesLatest, type KeyValue, type LiveEvent, type WireMetric, type WireRun } from '@lablog/schema';

/** A run built from its creation event (no metrics or params yet). */
export function runFromEvent(event: Extract<LiveEvent, { kind: 'run' }>): WireRun {
  return { info: { ...event.info }, data: { tags: [...(event.tags ?? [])] }, inputs: {} };
}

/**
 * `run` with `event` applied: a new object when the event changes it, `run` itself when the
 * event is of a kind a run does not hold (artifacts, registry, experiments, gaps).
 */
export function applyLiveEvent(run: WireRun, event: LiveEvent): WireRun {
  switch (event.kind) {
    case 'run': {
      const tags = event.tags ? upsert(run.data.tags ?? [], event.tags) : run.data.tags;
      return { ...run, info: { ...event.info }, data: { ...run.data, ...(tags ? { tags } : {}) } };
    }
    case 'params':
      return { ...run, data: { ...run.data, params: upsert(run.data.params ?? [], event.params) } };
    case 'tags':
      return { ...run, data: { ...run.data, tags: upsert(run.data.tags ?? [], event.tags, event.deleted) } };
    case 'metrics':
      return { ...run, data: { ...run.data, metrics: withLatest(run.data.metrics ?? [], event.metrics) } };
    case 'inputs':
      return { ...run, inputs: { ...run.inputs, dataset_inputs: [...(run.inputs.dataset_inputs ?? []), ...event.inputs] } };
    default:
      return run;
  }
}

/** `list` with `changes` set (kept in place, new keys at the end) and `deleted` keys removed. */
function upsert(list: readonly KeyValue[], changes: readonly KeyValue[], deleted: readonly string[] = []): KeyValue[] {
  const byKey = new Map(list.map((kv) => [kv.key, kv.value]));
  for (const kv of changes) byKey.set(kv.key, kv.value);
  for (const key of deleted) byKey.delete(key);
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/** The latest point per key after `points`, by the one latest-metric rule (`replacesLatest`). */
export function withLatest(latest: readonly WireMetric[], points: readonly WireMetric[]): WireMetric[] {
  const byKey = new Map(latest.map((m) => [m.key, m]));
  for (const p of points) {
    const cur = byKey.get(p.key);
    if (!cur || replacesLatest(p, cur)) byKey.set(p.key, { ...p });
  }
  return [...byKey.values()];
}
