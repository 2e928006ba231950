/**
 * Applying live changes to a run the table holds: latest metric values, params, tags, info —
 * the same result `runs/get` would now give for the cells the table shows.
 */
import { replacesLatest, type KeyValue, type LiveEvent, type WireMetric, type WireRun } from '@lablog/schema';


/** Keeps the latest point of each metric key. */
export function mergeMetrics(run: WireRun, points: readonly WireMetric[]): void {
  const list = (run.data.metrics ??= []);
  for (const p of points) {
    const i = list.findIndex((m) => m.key === p.key);
    if (i < 0) list.push({ ...p });
    else if (replacesLatest(p, list[i]!)) list[i] = { ...p };
  }
}

/** Sets (or adds) key/value pairs. */
export function mergeKeyValues(target: KeyValue[], items: readonly KeyValue[], deleted: readonly string[] = []): KeyValue[] {
  const out = deleted.length ? target.filter((kv) => !deleted.includes(kv.key)) : target;
  for (const kv of items) {
    const i = out.findIndex((x) => x.key === kv.key);
    if (i < 0) out.push({ key: kv.key, value: kv.value });
    else out[i] = { key: kv.key, value: kv.value };
  }
  return out;
}

/** A run built from its creation event (no metrics or params yet). */
export function runFromEvent(ev: Extract<LiveEvent, { kind: 'run' }>): WireRun {
  return { info: { ...ev.info }, data: { tags: [...(ev.tags ?? [])] }, inputs: {} };
}

/** Applies one event of `run`'s to it. Returns false for kinds the table does not show. */
export function applyToRun(run: WireRun, ev: LiveEvent): boolean {
  switch (ev.kind) {
    case 'run':
      run.info = { ...ev.info };
      if (ev.tags) run.data.tags = mergeKeyValues(run.data.tags ?? [], ev.tags);
      return true;
    case 'metrics':
      mergeMetrics(run, ev.metrics);
      return true;
    case 'params':
      run.data.params = mergeKeyValues(run.data.params ?? [], ev.params);
      return true;
    case 'tags':
      run.data.tags = mergeKeyValues(run.data.tags ?? [], ev.tags, ev.deleted);
      return true;
    default:
      return false;
  }
}
