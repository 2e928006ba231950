/**
 * Which keys a filter names that no run of the experiment has: MLflow answers such a filter
 * with nothing, silently, so a misspelt `metrics.val_los` looks like "no run is good enough".
 * Asked of the server with one search per key (a comparison any value passes, one result), so
 * it works against any MLflow server and over the whole experiment, not just the page shown.
 */
import type { Queries, ViewType } from '@lablog/client';
import type { FilterKey } from '@lablog/schema';

const ENTITY_PREFIX = { metric: 'metrics', param: 'params', tag: 'tags' } as const;

/** `metrics.val_loss`, as a filter names it. */
export function keyName(k: FilterKey): string {
  return `${ENTITY_PREFIX[k.entity]}.${k.key}`;
}

/** Whether some run of the experiment has `k`. */
async function anyRunHas(query: Queries, experimentId: string, k: FilterKey, viewType: ViewType): Promise<boolean> {
  const ident = `${ENTITY_PREFIX[k.entity]}.\`${k.key}\``;
  // a metric's value is a number: one of these holds for any value but NaN
  const tests = k.entity === 'metric' ? [`${ident} >= -1e308`, `${ident} < -1e308`] : [`${ident} LIKE '%'`];
  for (const filter of tests) {
    const page = await query.searchRuns({ experimentIds: [experimentId], filter, maxResults: 1, viewType });
    if (page.items.length) return true;
  }
  return false;
}

/** The keys of `keys` that no run of the experiment has (keys with a backtick are not checked). */
export async function keysNoRunHas(query: Queries, experimentId: string, keys: readonly FilterKey[], viewType: ViewType): Promise<FilterKey[]> {
  const checked = keys.filter((k) => !k.key.includes('`')).slice(0, 8);
  const has = await Promise.all(checked.map((k) => anyRunHas(query, experimentId, k, viewType).catch(() => true)));
  return checked.filter((_, i) => !has[i]);
}

/**
 * The note under the filter box for keys no run has ("No run in this experiment has
 * metrics.val_los — did you mean metrics.val_loss?"), or null when every key is some run's.
 * @param known keys of the runs read so far, as a filter names them, for "did you mean"
 */
export async function missingKeysNote(query: Queries, experimentId: string, keys: readonly FilterKey[], viewType: ViewType, known: Iterable<string>): Promise<string | null> {
  const missing = await keysNoRunHas(query, experimentId, keys, viewType);
  if (missing.length === 0) return null;
  const near = [...known];
  return missing
    .map((k) => {
      const name = keyName(k);
      const close = closestKey(name, near);
      return `No run in this experiment has ${name}${close ? ` — did you mean ${close}?` : '.'}`;
    })
    .join(' ');
}

/** The known key closest to `name` (at most two edits away), for "did you mean". */
export function closestKey(name: string, known: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(name, k, bestDistance);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin >= limit) return limit;
    prev = cur;
  }
  return Math.min(prev[b.length]!, limit);
}
