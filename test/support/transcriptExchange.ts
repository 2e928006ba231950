/**
 * Recorded MLflow client ↔ server transcripts (test/fixtures/mlflow-transcripts/*.jsonl):
 * reading them into typed exchanges. The format is described in that folder's README.md.
 */
import { readFile, readdir } from 'node:fs/promises';

/** A JSON value as JSON.parse returns it. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: Json;
}

/** One recorded HTTP exchange: what the real client sent and what the real server answered. */
export interface Exchange {
  /** Order within the scenario (concurrent downloads may share one). */
  seq: number;
  /** 1-based line of the transcript file, for messages. */
  line: number;
  method: string;
  /** Request path, without query string. */
  path: string;
  /** Query string pairs, repeats kept, in order. */
  query: Array<[string, string]>;
  /** The request's Content-Type; `''` when it had none. */
  contentType: string;
  /** JSON request body, when it had one. */
  requestJson?: Json;
  /** Raw request body (artifact uploads), when it had one. */
  requestBytes?: Buffer;
  /** HTTP status the real server gave. */
  status: number;
  /** JSON response body, when the server answered JSON. */
  responseJson?: Json;
  /** Raw response body (artifact downloads), otherwise. */
  responseBytes?: Buffer;
}

/** A scenario: one transcript file. */
export interface Scenario {
  /** File name without `.jsonl`, e.g. `s01_notebook_training_loop`. */
  name: string;
  exchanges: Exchange[];
}

/** True when `v` is a JSON object (not an array, not null). */
export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(where: string, what: string): never {
  throw new Error(`transcript: ${where}: ${what}`);
}

function parseExchange(text: string, where: string, line: number): Exchange {
  let raw: Json;
  try {
    raw = JSON.parse(text) as Json;
  } catch (err) {
    fail(where, `not JSON (${(err as Error).message})`);
  }
  if (!isObject(raw)) fail(where, 'not a JSON object');
  const { seq, method, path, query, request_headers: headers, status } = raw;
  if (typeof seq !== 'number' || typeof method !== 'string' || typeof path !== 'string' || typeof status !== 'number') {
    fail(where, 'seq, method, path and status are required');
  }
  const pairs: Array<[string, string]> = [];
  for (const pair of Array.isArray(query) ? query : []) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || pair[1] === undefined) fail(where, 'query must be [name, value] pairs');
    pairs.push([pair[0], String(pair[1])]);
  }
  const contentType = isObject(headers) && typeof headers['content-type'] === 'string' ? headers['content-type'] : '';
  const ex: Exchange = { seq, line, method, path, query: pairs, contentType, status };
  if (raw.request_json !== undefined) ex.requestJson = raw.request_json;
  if (typeof raw.request_bytes_b64 === 'string') ex.requestBytes = Buffer.from(raw.request_bytes_b64, 'base64');
  if (raw.response_json !== undefined) ex.responseJson = raw.response_json;
  if (typeof raw.response_bytes_b64 === 'string') ex.responseBytes = Buffer.from(raw.response_bytes_b64, 'base64');
  return ex;
}

/**
 * Reads one transcript file.
 * @param file path of a `.jsonl` transcript
 * @throws Error `transcript: <file>:<line>: ...` on a malformed line
 */
export async function readScenario(file: string): Promise<Scenario> {
  const text = await readFile(file, 'utf8');
  const exchanges: Exchange[] = [];
  text.split('\n').forEach((lineText, i) => {
    if (lineText.trim() !== '') exchanges.push(parseExchange(lineText, `${file}:${i + 1}`, i + 1));
  });
  const name = (file.split('/').pop() ?? file).replace(/\.jsonl$/, '');
  return { name, exchanges };
}

/**
 * Reads every `*.jsonl` transcript of a folder, sorted by file name.
 * @param dir the fixtures folder
 */
export async function readScenarios(dir: string): Promise<Scenario[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
  return Promise.all(files.map((f) => readScenario(`${dir.replace(/\/+$/, '')}/${f}`)));
}

/** One line describing an exchange's request, for titles and messages. */
export function describeRequest(ex: Exchange, maxBody = 160): string {
  const qs = ex.query.length > 0 ? `?${new URLSearchParams(ex.query)}` : '';
  let body = '';
  if (ex.requestJson !== undefined) body = ` ${JSON.stringify(ex.requestJson)}`;
  else if (ex.requestBytes) body = ` <${ex.requestBytes.length} bytes ${ex.contentType}>`;
  if (body.length > maxBody) body = `${body.slice(0, maxBody)}…`;
  return `${ex.method} ${ex.path}${qs}${body}`;
}
