/**
 * A run's append-only metric log, `runs/<id>/metrics.jsonl`: one point a line,
 * `{"key":…,"value":…,"timestamp":…,"step":…}`, and after a client's batch the marker
 * `{"client":…,"seq":…}` that lets a resent batch be recognised. Appends go through the group committer, so a
 * point is acknowledged only once it is on disk. Readers see only committed bytes.
 */
import { open, readFile, stat, truncate, type FileHandle } from 'node:fs/promises';
import type { AppendTarget, GroupCommitter } from './GroupCommitter.js';
import { jsonToNumber, numberToJson } from './jsonCodec.js';
import type { MetricPoint } from './records.js';

/** Who sent a batch, for recognising a batch sent again after a reconnect. */
export interface BatchOrigin {
  client: string;
  seq: number;
}

function markerPrefix(client: string): string {
  return `{"client":${JSON.stringify(client)},"seq":`;
}

/** One JSONL line for a point. */
export function encodePoint(p: MetricPoint): string {
  return `{"key":${JSON.stringify(p.key)},"value":${numberToJson(p.value)},"timestamp":${p.timestamp},"step":${p.step}}\n`;
}

function decodeLine(line: string): MetricPoint {
  const o = JSON.parse(line) as { key: string; value: unknown; timestamp: number; step: number };
  return { key: o.key, value: jsonToNumber(o.value), timestamp: o.timestamp, step: o.step };
}

/** The append-only metric log of one run. */
export class MetricLog implements AppendTarget {
  private fh: Promise<FileHandle> | null = null;
  private cache: { bytes: number; key: string; points: MetricPoint[] } | null = null;

  /**
   * Told of every commit, in file order, with the bytes it took (`from`..`to`) and its points:
   * an in-memory index of the log (the downsampling columns) follows appends without reading
   * the file again. One listener; null for none.
   */
  onCommit: ((from: number, to: number, points: readonly MetricPoint[]) => void) | null = null;

  /**
   * @param path the `metrics.jsonl` file
   * @param committedBytes bytes of the file known to be whole lines (from recovery or a new file: 0)
   */
  constructor(
    readonly path: string,
    private committedBytes: number,
    private readonly committer: GroupCommitter,
  ) {}

  /** Bytes of whole, durable lines. */
  get size(): number {
    return this.committedBytes;
  }

  /**
   * Appends points, and the client batch marker when given, in one write; resolves once
   * they are durable, with the points' JSONL lines (each line is the point's wire JSON).
   */
  async append(points: readonly MetricPoint[], origin?: BatchOrigin): Promise<string> {
    let lines = '';
    for (const p of points) lines += encodePoint(p);
    const data = origin ? `${lines}${markerPrefix(origin.client)}${origin.seq}}\n` : lines;
    await this.committer.append(this, data);
    const from = this.committedBytes;
    this.committedBytes += Buffer.byteLength(data);
    this.onCommit?.(from, this.committedBytes, points);
    return lines;
  }

  /** @internal AppendTarget: the file handle, opened on first use. */
  handle(): Promise<FileHandle> {
    this.fh ??= open(this.path, 'a');
    return this.fh;
  }

  /** @internal AppendTarget: cut a partly written commit off again. */
  async rollback(): Promise<void> {
    await truncate(this.path, this.committedBytes);
  }

  /** Every committed point of `key`, in the order logged. */
  async history(key: string): Promise<MetricPoint[]> {
    const bytes = this.committedBytes;
    if (this.cache && this.cache.key === key && this.cache.bytes === bytes) return this.cache.points;
    const points = bytes === 0 ? [] : await readPoints(this.path, 0, bytes, key);
    this.cache = { bytes, key, points };
    return points;
  }

  /** Every committed point of every key, in the order logged. */
  async all(): Promise<MetricPoint[]> {
    return this.committedBytes === 0 ? [] : readPoints(this.path, 0, this.committedBytes, null);
  }

  /** Closes the file handle; the log can be appended to again afterwards. */
  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (fh) await (await fh).close();
  }
}

/**
 * Reads the lines of `path` between `from` and `to` and returns the points, filtered to `key`
 * when given. An unterminated last line is ignored.
 */
async function readPoints(path: string, from: number, to: number, key: string | null): Promise<MetricPoint[]> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(to - from);
    const { bytesRead } = await fh.read(buf, 0, to - from, from);
    return parseLines(buf.toString('utf8', 0, bytesRead), key).points;
  } finally {
    await fh.close();
  }
}

function parseLines(text: string, key: string | null): { points: MetricPoint[]; wholeBytes: number } {
  const points: MetricPoint[] = [];
  // batch markers ({"client":…}) are not points: only lines starting with the key are read
  const prefix = key === null ? '{"key":' : `{"key":${JSON.stringify(key)},`;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    if (nl > start && text.startsWith(prefix, start)) {
      try {
        points.push(decodeLine(text.slice(start, nl)));
      } catch {
        // a damaged line (not produced by the agent) is skipped rather than failing the whole log
      }
    }
    start = nl + 1;
  }
  return { points, wholeBytes: Buffer.byteLength(text.slice(0, start)) };
}

/**
 * Recovers a metric log after the agent stopped: reads what lies past `fromBytes` (points
 * committed after the run document was last written), drops a torn last line left by a crash,
 * and returns those points with the file's size in whole lines.
 */
export async function recoverMetricLog(path: string, fromBytes: number): Promise<{ points: MetricPoint[]; batches: BatchOrigin[]; size: number }> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { points: [], batches: [], size: 0 };
    throw err;
  }
  const from = fromBytes <= size ? fromBytes : 0;
  if (size === from) return { points: [], batches: [], size };
  const text = await readFile(path).then((b) => b.toString('utf8', from));
  const { points, wholeBytes } = parseLines(text, null);
  const whole = from + wholeBytes;
  if (whole < size) await truncate(path, whole);
  return { points, batches: parseMarkers(text.slice(0, wholeBytes)), size: whole };
}

/** The client batch markers among whole lines. */
function parseMarkers(text: string): BatchOrigin[] {
  const out: BatchOrigin[] = [];
  for (const m of text.matchAll(/^\{"client":("(?:[^"\\]|\\.)*"),"seq":(\d+)\}$/gm)) {
    out.push({ client: JSON.parse(m[1]!) as string, seq: Number(m[2]) });
  }
  return out;
}
