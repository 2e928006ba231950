/**
 * The one reader of `metrics.jsonl` lines, straight from bytes: recovery, exports and the
 * chart columns all read through it. The agent writes every point line in one shape
 * (`{"key":…,"value":…,"timestamp":…,"step":…}`, see MetricLog), so a byte scan reads a million
 * points in ~0.2 s where `JSON.parse` per line takes ~0.5 s. A line in any other shape (an
 * escaped key, a file edited by hand) goes through `JSON.parse`; batch markers and damaged
 * lines are skipped.
 */
import { jsonToNumber } from './jsonCodec.js';

const NL = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const MINUS = 0x2d;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const K = 0x6b;
const V = 0x76;
const T = 0x74;
const S = 0x73;
const KEY_PREFIX = Buffer.from('{"key":"');

/** Whether `buf` holds `lit` at `at`. */
function has(buf: Buffer, at: number, lit: Buffer): boolean {
  if (at + lit.length > buf.length) return false;
  for (let i = 0; i < lit.length; i++) if (buf[at + i] !== lit[i]) return false;
  return true;
}

function sameBytes(buf: Buffer, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/** Where the points of one key go while lines are read. */
export interface PointSink {
  push(step: number, time: number, value: number): void;
}

/**
 * The sink of a key. Asked again only when the key changes from one line to the next (a run's
 * lines mostly repeat a key), so a reader may keep a map or make a sink each time.
 */
export type SinkOf = (key: string) => PointSink;

/** The slow path: a point line in a shape the byte scan does not know. */
function parseLine(buf: Buffer, from: number, to: number, sinkOf: SinkOf): void {
  try {
    const o = JSON.parse(buf.toString('utf8', from, to)) as { key?: unknown; value?: unknown; timestamp?: unknown; step?: unknown };
    if (typeof o.key !== 'string' || typeof o.timestamp !== 'number') return;
    sinkOf(o.key).push(typeof o.step === 'number' ? o.step : 0, o.timestamp, jsonToNumber(o.value));
  } catch {
    // a damaged line (not written by the agent) is skipped rather than failing the whole log
  }
}

/**
 * Reads the point lines among the whole lines of `buf[0, end)` into the sinks `sinkOf` gives;
 * returns the offset just past the last newline (what a following chunk must start from; a
 * torn last line lies past it).
 */
export function readLines(buf: Buffer, end: number, sinkOf: SinkOf): number {
  let start = 0;
  // consecutive lines usually carry the same key: compare bytes instead of making a string
  let prevFrom = -1;
  let prevLen = 0;
  let prevSink: PointSink | null = null;
  outer: while (start < end) {
    // One forward pass over a line in the agent's own shape, checking the separators' bytes
    // as it goes; anything else falls to the JSON path below. The last check (`}\n` before
    // `end`) also proves that no byte read lay past the chunk.
    fast: {
      if (buf[start] !== OPEN || buf[start + 2] !== K || buf[start + 6] !== COLON || buf[start + 7] !== QUOTE) break fast;
      const kFrom = start + 8;
      let q = kFrom;
      for (; q < end; q++) {
        const c = buf[q];
        if (c === QUOTE || c === BACKSLASH || c === NL) break;
      }
      // ","value":
      if (buf[q] !== QUOTE || buf[q + 1] !== COMMA || buf[q + 3] !== V || buf[q + 9] !== COLON) break fast;
      const vFrom = q + 10;
      let vTo = vFrom;
      for (; vTo < end; vTo++) {
        const c = buf[vTo];
        if (c === COMMA || c === NL) break;
      }
      // ,"timestamp":
      if (vTo === vFrom || buf[vTo] !== COMMA || buf[vTo + 2] !== T || buf[vTo + 12] !== COLON) break fast;
      let p = vTo + 13;
      const tNeg = buf[p] === MINUS;
      if (tNeg) p++;
      const tFrom = p;
      let time = 0;
      for (; p < end; p++) {
        const d = buf[p]! - 48;
        if (d < 0 || d > 9) break;
        time = time * 10 + d;
      }
      if (p === tFrom || p - tFrom > 15) break fast; // past 2^53 JSON.parse rounds as it should
      // ,"step":
      if (buf[p] !== COMMA || buf[p + 2] !== S || buf[p + 7] !== COLON) break fast;
      p += 8;
      const sNeg = buf[p] === MINUS;
      if (sNeg) p++;
      const sFrom = p;
      let step = 0;
      for (; p < end; p++) {
        const d = buf[p]! - 48;
        if (d < 0 || d > 9) break;
        step = step * 10 + d;
      }
      if (p === sFrom || p - sFrom > 15 || p + 1 >= end || buf[p] !== CLOSE || buf[p + 1] !== NL) break fast;
      const value = buf[vFrom] === QUOTE ? jsonToNumber(buf.toString('latin1', vFrom + 1, vTo - 1)) : Number(buf.toString('latin1', vFrom, vTo));
      const kLen = q - kFrom;
      let sink: PointSink;
      if (prevSink && kLen === prevLen && sameBytes(buf, prevFrom, kFrom, kLen)) sink = prevSink;
      else sink = sinkOf(buf.toString('utf8', kFrom, q));
      prevSink = sink;
      prevFrom = kFrom;
      prevLen = kLen;
      sink.push(sNeg ? -step : step, tNeg ? -time : time, value);
      start = p + 2;
      continue outer;
    }
    const nl = buf.indexOf(NL, start);
    if (nl < 0 || nl >= end) break;
    if (has(buf, start, KEY_PREFIX)) {
      parseLine(buf, start, nl, sinkOf);
      prevSink = null;
    }
    start = nl + 1;
  }
  return start;
}
