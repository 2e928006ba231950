/**
 * The comparer of transcript replays: does the agent's reply match what the real MLflow server
 * answered, up to ids and clocks? It returns every difference found, one line each.
 *
 * Compared: the HTTP status; for errors the `error_code` (the message is free text; the client
 * only reads the code); for 200 JSON replies the structure (every recorded field present, the same
 * JSON types, the same list lengths) and every value, recorded ids rewritten to the agent's.
 *
 * Tolerated, on purpose:
 * - Extra fields in the agent's reply: the client parses with `ignore_unknown_fields=True`, and
 *   protobuf JSON may leave default values out or not. A recorded field missing is a difference.
 * - Server clock values (`*_time`, `*_timestamp`, `timestamp`): only their presence and type are
 *   compared, except a `start_time`, `end_time` or `timestamp` equal to one the replayed requests
 *   sent: that value was echoed, not read from a clock, and must come back unchanged.
 * - `next_page_token`: opaque, only its presence counts. `user_id` when it was recorded empty.
 * - Run names the server generated: the id mapper binds the recorded name to the agent's at
 *   runs/create, and from then on the agent must keep showing its own name.
 * - Order of `tags`, `params` and `data.metrics` lists (MLflow does not order them): they are
 *   compared as sets keyed by `key`. A metric history (one key, many points) is compared sorted
 *   by step then timestamp, as MLflow promises no order there either.
 * - A recorded metric `value` of ±1.7976931348623157e308 matches "Infinity"/"-Infinity": the SQL
 *   store clamps ±Inf to ±DBL_MAX, the file store (and lablog) keep ±Inf (docs: MLFLOW_REST.md §3).
 */
import { isObject, type Exchange, type Json, type JsonObject } from './transcriptExchange.js';
import type { IdMap } from './transcriptIds.js';

/** What the agent answered to a replayed request. */
export interface AgentReply {
  status: number;
  contentType: string;
  body: Buffer;
  /** The body parsed, when it was JSON. */
  json?: Json;
}

/** What the comparer needs to know about the replay so far. */
export interface CompareContext {
  ids: IdMap;
  /** Every `start_time`, `end_time` and `timestamp` the replayed requests sent. */
  sentTimes: ReadonlySet<number>;
}

/** Fields whose values are client-sent timestamps when they equal a sent one. */
export const ECHOED_TIME_FIELDS: ReadonlySet<string> = new Set(['start_time', 'end_time', 'timestamp']);
const CLOCK_FIELD = /(^timestamp|_time|_timestamp|_timestamp_ms)$/;
const KEYED_LISTS = new Set(['tags', 'params', 'metrics']);
const SQL_INFINITY = 1.7976931348623157e308;

const jsonType = (v: Json): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function show(v: Json | Buffer | undefined, max = 120): string {
  const s = v === undefined ? 'undefined' : Buffer.isBuffer(v) ? JSON.stringify(v.toString('utf8')) : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** The key of a `{key, ...}` list item, or undefined. */
const itemKey = (v: Json | undefined): string | undefined => (isObject(v) && typeof v.key === 'string' ? v.key : undefined);

class Comparer {
  readonly out: string[] = [];
  constructor(private readonly ctx: CompareContext) {}

  value(exp: Json, act: Json | undefined, at: string, field?: string, parent?: JsonObject): void {
    if (act === undefined) {
      this.out.push(`${at}: missing (recorded ${show(exp)})`);
      return;
    }
    if (field !== undefined && CLOCK_FIELD.test(field)) {
      if (jsonType(exp) !== jsonType(act)) this.differ(at, exp, act);
      else if (typeof exp === 'number' && ECHOED_TIME_FIELDS.has(field) && this.ctx.sentTimes.has(exp) && act !== exp) {
        this.out.push(`${at}: expected ${exp} (a value the client sent), got ${show(act)}`);
      }
      return;
    }
    if (field === 'next_page_token' || (field === 'user_id' && exp === '')) {
      if (jsonType(exp) !== jsonType(act)) this.differ(at, exp, act);
      return;
    }
    if (field === 'value' && typeof exp === 'number' && Math.abs(exp) === SQL_INFINITY && act === (exp > 0 ? 'Infinity' : '-Infinity')) return;
    if (typeof exp === 'string') {
      const want = this.ctx.ids.toAgent(exp, field, parent);
      if (want !== act) this.out.push(`${at}: expected ${show(want)}${want === exp ? '' : ` (recorded ${show(exp)})`}, got ${show(act)}`);
    } else if (Array.isArray(exp)) {
      if (Array.isArray(act)) this.list(exp, act, at, field, parent);
      else this.differ(at, exp, act);
    } else if (isObject(exp)) {
      if (!isObject(act)) this.differ(at, exp, act);
      else for (const [k, v] of Object.entries(exp)) this.value(v, act[k], `${at}.${k}`, k, exp);
    } else if (exp !== act) {
      this.differ(at, exp, act);
    }
  }

  private differ(at: string, exp: Json, act: Json): void {
    const types = jsonType(exp) === jsonType(act) ? '' : ` (${jsonType(exp)} vs ${jsonType(act)})`;
    this.out.push(`${at}: expected ${show(exp)}, got ${show(act)}${types}`);
  }

  private list(exp: Json[], act: Json[], at: string, field: string | undefined, parent: JsonObject | undefined): void {
    if (exp.length !== act.length) this.out.push(`${at}: expected ${exp.length} items, got ${act.length}`);
    const keys = exp.map(itemKey);
    const keyed = field !== undefined && KEYED_LISTS.has(field) && keys.every((k) => k !== undefined);
    if (keyed && new Set(keys).size === keys.length) {
      this.keyedList(exp, act, at);
      return;
    }
    const sorted = keyed && field === 'metrics'; // a metric history: one key, many points
    const [e, a] = sorted ? [byStep(exp), byStep(act)] : [exp, act];
    for (let i = 0; i < Math.min(e.length, a.length); i++) this.value(e[i] as Json, a[i], `${at}[${i}]`, field, parent);
  }

  private keyedList(exp: Json[], act: Json[], at: string): void {
    const byKey = new Map<string, Json[]>();
    for (const item of act) {
      const k = itemKey(item) ?? `<item without key: ${show(item, 60)}>`;
      byKey.set(k, [...(byKey.get(k) ?? []), item]);
    }
    for (const item of exp) {
      const k = itemKey(item) as string;
      const found = byKey.get(k);
      if (found === undefined) this.out.push(`${at}[key=${k}]: missing (recorded ${show(item)})`);
      else this.value(item, found[0], `${at}[key=${k}]`);
      if (found !== undefined && found.length > 1) this.out.push(`${at}[key=${k}]: appears ${found.length} times`);
      byKey.delete(k);
    }
    for (const [k, items] of byKey) this.out.push(`${at}[key=${k}]: not recorded, got ${show(items[0])}`);
  }
}

function byStep(list: Json[]): Json[] {
  const n = (v: Json | undefined): number => (typeof v === 'number' ? v : Number(v ?? 0));
  const at = (v: Json, f: string): number => n(isObject(v) ? v[f] : undefined);
  return [...list].sort((x, y) => at(x, 'step') - at(y, 'step') || at(x, 'timestamp') - at(y, 'timestamp'));
}

/**
 * Compares the agent's reply to a recorded exchange's response.
 * @returns the differences, one readable line each (`$.run.info.status: expected ..., got ...`); empty when they match
 */
export function compareReply(ex: Exchange, reply: AgentReply, ctx: CompareContext): string[] {
  const got = reply.json === undefined ? show(reply.body) : show(reply.json);
  if (reply.status !== ex.status) {
    return [`status: expected ${ex.status} ${show(ex.responseJson ?? ex.responseBytes)}, got ${reply.status} ${got}`];
  }
  if (ex.responseBytes !== undefined) {
    return reply.body.equals(ex.responseBytes) ? [] : [`body: expected ${show(ex.responseBytes)}, got ${got}`];
  }
  if (ex.responseJson === undefined) return [];
  if (reply.json === undefined) return [`body: expected JSON, got ${reply.contentType || 'no content-type'} ${got}`];
  if (ex.status !== 200) {
    const want = isObject(ex.responseJson) ? ex.responseJson.error_code : undefined;
    const have = isObject(reply.json) ? reply.json.error_code : undefined;
    return want === have ? [] : [`$.error_code: expected ${show(want)}, got ${show(have)} in ${got}`];
  }
  const c = new Comparer(ctx);
  c.value(ex.responseJson, reply.json, '$');
  return c.out;
}
