/**
 * A run's append-only metric log, `runs/<id>/metrics.jsonl`: one point a line,
 * `{"key":…,"value":…,"timestamp":…,"step":…}`, and after a client's batch the marker
 * `{"client":…,"seq":…}` that lets a resent batch be recognised. Appends go through the group committer, so a
 * point is acknowledged only once it is on disk. Readers see only committed bytes.
 */
import { open, readFile, stat, truncate } from 'node:fs/promises';
import { AppendFile } from './AppendFile.js';
import type { GroupCommitter } from './GroupCommitter.js';
import { readLines } from './metricLines.js';
import { pointLines } from './PointJson.js';
import type { MetricPoint } from './records.js';

/** Who sent a batch, for recognising a batch sent again after a reconnect. */
export interface BatchOrigin {
  client: string;
  seq: number;
}

function markerPrefix(client: string): string {
  return `{"client":${JSON.stringify(client)},"seq":`;
}

/** The append-only metric log of one run. */
export class MetricLog {
  private readonly file: AppendFile;

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
  constructor(path: string, committedBytes: number, committer: GroupCommitter) {
    this.file = new AppendFile(path, committedBytes, committer);
  }

  /** The `metrics.jsonl` file. */
  get path(): string {
    return this.file.path;
  }

  /** Bytes of whole, durable lines. */
  get size(): number {
    return this.file.size;
  }

  /**
   * Appends points, and the client batch marker when given, in one write; resolves once
   * they are durable, with the points' JSONL lines (each line is the point's wire JSON).
   */
  async append(points: readonly MetricPoint[], origin?: BatchOrigin): Promise<string> {
    const lines = pointLines(points);
    const data = origin ? `${lines}${markerPrefix(origin.client)}${origin.seq}}\n` : lines;
    const { from, to } = await this.file.append(data);
    this.onCommit?.(from, to, points);
    return lines;
  }

  /** Every committed point of every key, in the order logged. */
  async all(): Promise<MetricPoint[]> {
    return this.size === 0 ? [] : readPoints(this.path, 0, this.size);
  }

  /** Closes the file handle; the log can be appended to again afterwards. */
  close(): Promise<void> {
    return this.file.close();
  }
}

/** Reads the points of `path` between `from` and `to`. An unterminated last line is ignored. */
async function readPoints(path: string, from: number, to: number): Promise<MetricPoint[]> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(to - from);
    const { bytesRead } = await fh.read(buf, 0, to - from, from);
    return pointsOf(buf, bytesRead).points;
  } finally {
    await fh.close();
  }
}

/** The points among the whole lines of `buf[0, end)`, and the bytes those lines take. */
function pointsOf(buf: Buffer, end: number): { points: MetricPoint[]; wholeBytes: number } {
  const points: MetricPoint[] = [];
  const sinkOf = (key: string) => ({ push: (step: number, timestamp: number, value: number) => void points.push({ key, value, timestamp, step }) });
  const wholeBytes = readLines(buf, end, sinkOf);
  return { points, wholeBytes };
}

/**
 * Reconciles a metric log with its run's summary when the store opens: reads what lies past
 * `fromBytes` (points committed after the run document was last written), drops a torn last
 * line left by a crash, and returns those points with the file's size in whole lines. When the
 * log and the summary agree this costs one `stat`.
 */
export async function recoverMetricLog(path: string, fromBytes: number): Promise<RecoveredLog> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { points: [], batches: [], size: 0, rebuilt: fromBytes > 0 };
    throw err;
  }
  // a log shorter than its summary says was cut by hand or restored from elsewhere: summarise it all again
  const rebuilt = fromBytes > size;
  const from = rebuilt ? 0 : fromBytes;
  if (size === from) return { points: [], batches: [], size, rebuilt };
  const tail = (await readFile(path)).subarray(from);
  const { points, wholeBytes } = pointsOf(tail, tail.length);
  const whole = from + wholeBytes;
  if (whole < size) await truncate(path, whole);
  return { points, batches: parseMarkers(tail.toString('utf8', 0, wholeBytes)), size: whole, rebuilt };
}

/** What recovering a metric log found past its summary. */
export interface RecoveredLog {
  /** Points past the summary, in file order. */
  points: MetricPoint[];
  /** Client batch markers past the summary. */
  batches: BatchOrigin[];
  /** Bytes of whole lines: where the next append goes. */
  size: number;
  /** True when the summary did not match the log and `points` is the whole log. */
  rebuilt: boolean;
}

/** The client batch markers among whole lines. */
function parseMarkers(text: string): BatchOrigin[] {
  const out: BatchOrigin[] = [];
  for (const m of text.matchAll(/^\{"client":("(?:[^"\\]|\\.)*"),"seq":(\d+)\}$/gm)) {
    out.push({ client: JSON.parse(m[1]!) as string, seq: Number(m[2]) });
  }
  return out;
}
