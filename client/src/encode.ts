/**
 * Encoding logged values as the JSON of a log batch. Values the server would refuse (a
 * bad name, a value that is not a number, a fractional step) are left out here, one point
 * at a time, so the rest of the batch still gets stored; what was left out is reported.
 */
import { wireDoubleJson, type KeyValue } from '@lablog/schema';
import { describe, nameProblem } from './names.js';

/**
 * Metric points as `logMetric` received them (unchecked: callers may pass anything), in
 * parallel columns: numbers pushed into plain arrays stay unboxed, so buffering a point
 * allocates nothing.
 */
export interface PendingPoints {
  keys: unknown[];
  values: unknown[];
  timestamps: unknown[];
  steps: unknown[];
}

/** Receives what was left out of a batch: how many points or values, and why (the first reason). */
export type Rejecter = (what: 'metric' | 'param' | 'tag', count: number, message: string) => void;

// The start of a point's JSON for each key already found valid: keys repeat millions of times.
const heads = new Map<string, string>();
const HEADS_MAX = 10_000;

function pointHead(key: unknown): string | null {
  if (typeof key !== 'string') return null;
  let h = heads.get(key);
  if (h === undefined) {
    if (nameProblem('metric', key) !== null) return null;
    if (heads.size >= HEADS_MAX) heads.clear();
    h = `{"key":${JSON.stringify(key)},"value":`;
    heads.set(key, h);
  }
  return h;
}

/** A metric value as MLflow's JSON has it (non-finite values as strings), or null when it is not a number. */
function valueJson(v: unknown): string | null {
  if (typeof v !== 'number') {
    if (typeof v !== 'bigint') return null;
    v = Number(v);
  }
  return wireDoubleJson(v as number);
}

function pointProblem(key: unknown, value: unknown, timestamp: unknown, step: unknown): string {
  if (pointHead(key) === null) return nameProblem('metric', key) ?? `Invalid metric name: ${describe(key)}.`;
  if (valueJson(value) === null) return `Got invalid value ${describe(value)} for metric '${String(key)}' (step=${describe(step)}). Please specify value as a valid double (64-bit floating point)`;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return `Invalid timestamp ${describe(timestamp)} for metric '${String(key)}': a number of milliseconds is expected.`;
  return `Invalid step ${describe(step)} for metric '${String(key)}': an integer is expected.`;
}

/** The JSON array of metric points; invalid ones are left out and reported. Returns the text and how many points it holds. */
export function encodeMetrics(points: PendingPoints, reject: Rejecter): { json: string; count: number } {
  const { keys, values, timestamps, steps } = points;
  const n = keys.length;
  // one flat string made by join: a rope of thousands of pieces would cost far more to keep
  // queued (GC) and to send (flattening)
  const parts: string[] = [];
  let bad = 0;
  let firstProblem = '';
  for (let i = 0; i < n; i++) {
    const head = pointHead(keys[i]);
    const value = valueJson(values[i]);
    const ts = timestamps[i];
    const step = steps[i];
    if (head === null || value === null || typeof ts !== 'number' || !Number.isFinite(ts) || typeof step !== 'number' || !Number.isSafeInteger(step)) {
      if (bad++ === 0) firstProblem = pointProblem(keys[i], values[i], ts, step);
      continue;
    }
    parts.push(`${head}${value},"timestamp":${Number.isInteger(ts) ? ts : Math.round(ts)},"step":${step}}`);
  }
  if (bad > 0) reject('metric', bad, bad > 1 ? `${firstProblem} (and ${bad - 1} more invalid points)` : firstProblem);
  return { json: `[${parts.join(',')}]`, count: parts.length };
}

/** A param or tag value as the string MLflow stores. */
export function valueString(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return (v !== null && typeof v === 'object' ? JSON.stringify(v) : undefined) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** The JSON array of params or tags; invalid keys are left out and reported. */
export function encodeKeyValues(kind: 'param' | 'tag', list: readonly KeyValue[], reject: Rejecter): { json: string; count: number } {
  const ok: KeyValue[] = [];
  let bad = 0;
  let firstProblem = '';
  for (const kv of list) {
    const problem = nameProblem(kind, kv.key);
    if (problem === null) ok.push(kv);
    else if (bad++ === 0) firstProblem = problem;
  }
  if (bad > 0) reject(kind, bad, bad > 1 ? `${firstProblem} (and ${bad - 1} more)` : firstProblem);
  return { json: JSON.stringify(ok), count: ok.length };
}

/**
 * A whole batch body, `{"metrics":[...],"params":[...],"tags":[...]}` with empty lists left
 * out (as MLflow's Python client does), or null when nothing valid is left.
 */
export function encodeBatch(points: PendingPoints, params: readonly KeyValue[], tags: readonly KeyValue[], reject: Rejecter): { body: string; points: number } | null {
  const parts: string[] = [];
  let pointCount = 0;
  if (points.keys.length > 0) {
    const m = encodeMetrics(points, reject);
    if (m.count > 0) parts.push(`"metrics":${m.json}`);
    pointCount = m.count;
  }
  if (params.length > 0) {
    const p = encodeKeyValues('param', params, reject);
    if (p.count > 0) parts.push(`"params":${p.json}`);
  }
  if (tags.length > 0) {
    const t = encodeKeyValues('tag', tags, reject);
    if (t.count > 0) parts.push(`"tags":${t.json}`);
  }
  return parts.length === 0 ? null : { body: `{${parts.join(',')}}`, points: pointCount };
}
