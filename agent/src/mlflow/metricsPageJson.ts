/**
 * A get-history page's JSON body, written straight into bytes: exactly the bytes of
 * `JSON.stringify({ metrics: points.map(wireMetric), next_page_token })`, made about twice as fast.
 *
 * Why by hand: a million-point history is forty 25,000-point pages, and encoding them was most of
 * the agent's time for the read. `JSON.stringify` turns every timestamp and step — integers held
 * as doubles, too large for V8's small-integer path — into text with the shortest-round-trip
 * algorithm, and the resulting string is then copied again into UTF-8. Here safe integers are
 * written digit by digit, and the page is written as bytes once. Values keep V8's own
 * number-to-text (`String(v)` is JSON's text for every finite number). Measured on a 25,000-point
 * page: ~8 ms against ~12–13 ms for stringify plus the copy into bytes (`npm run bench -- store-engines`
 * shows the whole read). `test/mlflow/metricsPageJson.test.ts` compares the bytes with
 * `JSON.stringify` over random pages.
 */
import { wireDoubleJson } from '@lablog/schema';
import type { MetricPoint } from '../store/records.js';

const OPEN = Buffer.from('{"metrics":[');
const KEY = Buffer.from('{"key":');
const VALUE = Buffer.from(',"value":');
const TIMESTAMP = Buffer.from(',"timestamp":');
const STEP = Buffer.from(',"step":');
const TOKEN = Buffer.from('],"next_page_token":');
/** Bytes a point takes besides its key: the field names and three numbers of at most 24 characters. */
const POINT_MAX = KEY.length + VALUE.length + TIMESTAMP.length + STEP.length + 3 * 24 + 2;

/** Growable output: the bytes written so far and where the next byte goes. */
class Out {
  buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  bytes(b: Buffer): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** An ASCII string (number text). */
  ascii(s: string): void {
    const { buf } = this;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** `n` as JSON writes it. */
  number(n: number): void {
    if (Number.isSafeInteger(n)) {
      if (n < 0) {
        this.buf[this.pos++] = 0x2d; // '-'
        this.digits(-n);
      } else this.digits(n); // -0 too: JSON writes it "0"
    } else this.ascii(JSON.stringify(n)); // fractions, beyond 2^53 (1e+21), and null for NaN
  }

  /** A non-negative safe integer's decimal digits (below 2^53: at most two 8-digit halves). */
  private digits(n: number): void {
    if (n >= 1e8) {
      const high = Math.floor(n / 1e8);
      this.small(high);
      this.padded8(n - high * 1e8);
    } else this.small(n);
  }

  /** 0 <= x < 1e8, in as many digits as it has. */
  private small(x: number): void {
    const len = x < 10 ? 1 : x < 100 ? 2 : x < 1e3 ? 3 : x < 1e4 ? 4 : x < 1e5 ? 5 : x < 1e6 ? 6 : x < 1e7 ? 7 : 8;
    this.pos += len;
    this.back(x, len);
  }

  /** 0 <= x < 1e8, in eight digits. */
  private padded8(x: number): void {
    this.pos += 8;
    this.back(x, 8);
  }

  /** Writes `x`'s last `len` digits, ending just before `pos`. */
  private back(x: number, len: number): void {
    const { buf } = this;
    let p = this.pos;
    for (let i = 0; i < len; i++) {
      const q = (x / 10) | 0;
      buf[--p] = 0x30 + x - q * 10;
      x = q;
    }
  }
}

/**
 * The JSON body of a page of metric points as MLflow writes get-history's: `{"metrics":[…]}`,
 * with `next_page_token` when another page follows. Values that are not finite are MLflow's
 * strings ("NaN", "Infinity", "-Infinity").
 */
export function metricsPageJson(points: readonly MetricPoint[], nextPageToken?: string): Buffer {
  let key: string | undefined;
  let keyJson = Buffer.alloc(0);
  // a page's points share their key: room for all of them, once
  const out = new Out(points.length * (POINT_MAX + 1 + Buffer.byteLength(JSON.stringify(points[0]?.key ?? ''))) + 64);
  out.bytes(OPEN);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.key !== key) {
      key = p.key;
      keyJson = Buffer.from(JSON.stringify(key));
    }
    out.room(keyJson.length + POINT_MAX + 1);
    if (i > 0) out.buf[out.pos++] = 0x2c; // ','
    out.bytes(KEY);
    out.bytes(keyJson);
    out.bytes(VALUE);
    out.ascii(Number.isFinite(p.value) ? String(p.value) : wireDoubleJson(p.value));
    out.bytes(TIMESTAMP);
    out.number(p.timestamp);
    out.bytes(STEP);
    out.number(p.step);
    out.buf[out.pos++] = 0x7d; // '}'
  }
  const tail = nextPageToken === undefined ? Buffer.from(']}') : Buffer.concat([TOKEN, Buffer.from(`${JSON.stringify(nextPageToken)}}`)]);
  out.room(tail.length);
  out.bytes(tail);
  return out.buf.subarray(0, out.pos);
}
