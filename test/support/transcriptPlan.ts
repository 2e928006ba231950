/**
 * Which recorded exchanges a replay can send today, and which stay pending because the agent
 * does not implement their endpoints yet. Today every recorded endpoint is implemented; the
 * plan stays for the next area a recording reaches first (MLflow 3 traces, for one).
 */
import type { Exchange, Json, JsonObject } from './transcriptExchange.js';
import { recordedIds } from './transcriptIds.js';

/** The todo reason of every exchange with a not-yet-implemented endpoint. */
export const PENDING_TODO = 'artifacts and registry: issue «Artifacts, logged models and the model registry»';

const PENDING_AREAS: ReadonlyArray<[RegExp, string]> = [];

/** The not-yet-implemented area an exchange's endpoint belongs to, or `null` for a tracking endpoint. */
export function pendingArea(ex: Exchange): string | null {
  return PENDING_AREAS.find(([re]) => re.test(ex.path))?.[1] ?? null;
}

/** One exchange of a replay plan: sent and compared, or reported as todo with the reason. */
export interface PlannedStep {
  exchange: Exchange;
  /** Set when the step is not sent. */
  todo?: string;
}

/** Query pairs as an object, repeated names as lists. */
function queryObject(pairs: ReadonlyArray<[string, string]>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of pairs) {
    const had: Json | undefined = out[k];
    out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

function requestText(ex: Exchange): string {
  return [ex.path, ...ex.query.map(([, v]) => v), ex.requestJson === undefined ? '' : JSON.stringify(ex.requestJson)].join('\n');
}

/**
 * The seq of a skipped exchange whose recorded response made an id this exchange's request
 * uses, if any. `made` maps `<kind>=<value>` (see `recordedIds`) to the seq that made it.
 */
function dependency(ex: Exchange, made: ReadonlyMap<string, number>): number | undefined {
  const used = new Set([...recordedIds(ex.requestJson), ...recordedIds(queryObject(ex.query))]);
  const text = requestText(ex);
  for (const [id, seq] of made) {
    const value = id.slice(id.indexOf('=') + 1);
    // Short ids (experiment ids, versions) count only in id fields; long ones anywhere (filters, paths).
    if (used.has(id) || (value.length >= 8 && text.includes(value))) return seq;
  }
  return undefined;
}

/**
 * Plans a scenario's replay. Exchanges with a pending endpoint are todo and the replay goes on
 * without them: in MLflow 2.12 artifact uploads and registry calls change nothing that the
 * tracking endpoints show (no run field, tag or metric), so the only way a later tracking step
 * can depend on a skipped one is through an id that only the skipped response made (a model
 * version, a logged-model id, a page token). If a later sent step would use such an id, the
 * replay stops at the scenario's first pending exchange: it and everything after are todo.
 */
export function planReplay(exchanges: readonly Exchange[]): PlannedStep[] {
  const known = new Set<string>();
  const madeBySkipped = new Map<string, number>();
  let dependent: { seq: number; on: number } | undefined;
  for (const ex of exchanges) {
    const ids = recordedIds(ex.responseJson);
    if (pendingArea(ex) !== null) {
      for (const id of ids) if (!known.has(id) && !madeBySkipped.has(id)) madeBySkipped.set(id, ex.seq);
      continue;
    }
    const on = dependency(ex, madeBySkipped);
    if (on !== undefined) {
      dependent = { seq: ex.seq, on };
      break;
    }
    for (const id of ids) known.add(id);
  }
  const firstPending = exchanges.findIndex((ex) => pendingArea(ex) !== null);
  return exchanges.map((exchange, i) => {
    const area = pendingArea(exchange);
    if (area !== null) return { exchange, todo: `${PENDING_TODO} (${area})` };
    if (dependent && i > firstPending) {
      return { exchange, todo: `${PENDING_TODO} (replay stopped: #${dependent.seq} uses an id made by skipped #${dependent.on})` };
    }
    return { exchange };
  });
}
