/**
 * Metric points as JSON text, written straight into bytes: `{"key":…,"value":…,"timestamp":…,"step":…}`,
 * byte for byte what `JSON.stringify` writes for the point with its value through MLflow's
 * number codec (NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity"). The metric
 * log's lines and get-history's pages are this text.
 *
 * Why by hand: get-history's pages. A million-point history is forty 25,000-point pages, and
 * stringifying them was most of the agent's time for the read. `JSON.stringify` turns every
 * timestamp and step — integers held as doubles, too large for V8's small-integer path — into text
 * with the shortest-round-trip algorithm, and the text is then copied once more into UTF-8. Here
 * safe integers are written digit by digit and a page is bytes from the start. Values keep V8's own
 * number-to-text (`String(v)` is JSON's text for every finite number). A 25,000-point page: ~8 ms
 * against ~12–13 ms. The metric log's lines come from the same writer so that a point has one
 * encoder; for them it measured neither faster nor slower than the template string it replaced
 * (they stay a heap string: see `scratch`). `test/store/pointJson.test.ts` compares the bytes with
 * `JSON.stringify` over random points.
 */
import { wireDoubleJson } from '@lablog/schema';
import type { MetricPoint } from './records.js';

const KEY = Buffer.from('{"key":');
const VALUE = Buffer.from(',"value":');
const TIMESTAMP = Buffer.from(',"timestamp":');
const STEP = Buffer.from(',"step":');
/** Bytes a point takes besides its key: the field names and three numbers of at most 24 characters. */
const POINT_MAX = KEY.length + VALUE.length + TIMESTAMP.length + STEP.length + 3 * 24 + 1;

/**
 * The buffer text is written into, kept from one write to the next (up to SCRATCH_MAX). A fresh
 * buffer per write, sized for the longest numbers, is memory outside the JS heap, and V8 schedules
 * full collections by how much of that is allocated: a 1000-point batch allocated ~180 KB for
 * ~65 KB of text. What a write returns is all it allocates: the text as a heap string, or the bytes
 * copied out at their size. Used by one write at a time; a write that finds it taken uses a buffer
 * of its own.
 */
let scratch: Buffer = Buffer.allocUnsafe(64 * 1024);
let scratchTaken = false;
const SCRATCH_MAX = 4 * 1024 * 1024;

/** Runs `write` on a writer, then `result` on what it wrote. */
function withWriter<T>(points: number, key: string | undefined, write: (w: PointJsonWriter) => void, result: (bytes: Buffer) => T): T {
  const size = points * (POINT_MAX + 2 + Buffer.byteLength(JSON.stringify(key ?? ''))) + 64;
  const shared = !scratchTaken && size <= SCRATCH_MAX;
  if (shared && scratch.length < size) scratch = Buffer.allocUnsafe(size);
  const w = new PointJsonWriter(shared ? scratch : Buffer.allocUnsafe(size));
  scratchTaken ||= shared;
  try {
    write(w);
    return result(w.written);
  } finally {
    if (shared) {
      scratchTaken = false;
      if (w.grown && w.buffer.length <= SCRATCH_MAX) scratch = w.buffer;
    }
  }
}

/**
 * Writes text with metric points in it; returns its bytes (a buffer of their own, at their size).
 * @param points how many points `write` will write (for the first allocation)
 * @param key their key when they share one (all of a page, most of a batch)
 */
export function writePointJson(points: number, key: string | undefined, write: (w: PointJsonWriter) => void): Buffer {
  return withWriter(points, key, write, (bytes) => Buffer.from(bytes));
}

/** As `writePointJson`, returning the text as a string. */
function writePointText(points: number, key: string | undefined, write: (w: PointJsonWriter) => void): string {
  return withWriter(points, key, write, (bytes) => bytes.toString('utf8'));
}

/** A growable byte buffer that metric points (and the text around them) are written into. */
export class PointJsonWriter {
  private pos = 0;
  private key: string | undefined;
  private keyJson = Buffer.alloc(0);
  /** Whether the buffer was replaced by a bigger one. */
  grown = false;

  /** @internal see writePointJson */
  constructor(private buf: Buffer) {}

  /** @internal the buffer written into */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Writes `p`'s JSON object. */
  point(p: MetricPoint): void {
    if (p.key !== this.key) {
      this.key = p.key;
      this.keyJson = Buffer.from(JSON.stringify(p.key));
    }
    this.room(this.keyJson.length + POINT_MAX);
    this.raw(KEY);
    this.raw(this.keyJson);
    this.raw(VALUE);
    this.ascii(Number.isFinite(p.value) ? String(p.value) : wireDoubleJson(p.value));
    this.raw(TIMESTAMP);
    this.number(p.timestamp);
    this.raw(STEP);
    this.number(p.step);
    this.buf[this.pos++] = 0x7d; // '}'
  }

  /** Writes one ASCII character (a separator). */
  char(c: string): void {
    this.room(1);
    this.buf[this.pos++] = c.charCodeAt(0);
  }

  /** Writes `text` as UTF-8. */
  text(text: string): void {
    const b = Buffer.from(text);
    this.room(b.length);
    this.raw(b);
  }

  /** @internal the bytes written so far (a view of the buffer) */
  get written(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Makes room for `n` more bytes. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
    this.grown = true;
  }

  private raw(b: Buffer): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** An ASCII string (number text). */
  private ascii(s: string): void {
    const { buf } = this;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** `n` as JSON writes it. */
  private number(n: number): void {
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
      this.pos += 8;
      this.back(n - high * 1e8, 8);
    } else this.small(n);
  }

  /** 0 <= x < 1e8, in as many digits as it has. */
  private small(x: number): void {
    const len = x < 10 ? 1 : x < 100 ? 2 : x < 1e3 ? 3 : x < 1e4 ? 4 : x < 1e5 ? 5 : x < 1e6 ? 6 : x < 1e7 ? 7 : 8;
    this.pos += len;
    this.back(x, len);
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

/** The metric log's lines of `points`: each point's JSON and a newline. */
export function pointLines(points: readonly MetricPoint[]): string {
  return writePointText(points.length, points[0]?.key, (w) => {
    for (const p of points) {
      w.point(p);
      w.char('\n');
    }
  });
}
