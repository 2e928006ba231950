/**
 * The data behind one metric chart: per run, the history as the agent's downsampling returns
 * it, kept live by the feed's points, and — while zoomed — the zoomed range read again at finer
 * buckets. It tells its owner when something changed; the chart decides when to draw.
 */
import type { Queries } from '@lablog/client';
import type { WireMetric } from '@lablog/schema';
import { metricNumber } from '../format.js';
import type { RunMetricFeed } from './RunMetricFeed.js';
import { SeriesBuffer } from './SeriesBuffer.js';

/** A buffer holds at most this many times `buckets` entries before it is reduced again. */
const LIVE_SLACK = 4;

/** Options of a metric history. */
export interface MetricHistoryOptions {
  key: string;
  runIds: string[];
  xAxis: 'step' | 'time';
  /** Buckets asked of the agent. */
  buckets: number;
  feed: RunMetricFeed;
  query: Queries;
  /** Called after every change (new data, an error, a zoom). */
  changed: () => void;
}

/** One metric of some runs: history, live points, zoom. */
export class MetricHistory {
  /** The agent's message when a read failed (cleared by the next good one). */
  error: string | null = null;
  private runIds: string[];
  private xAxis: 'step' | 'time';
  /** Whole-range buffers per run (kept live), and the zoomed range's when zoomed. */
  private overview = new Map<string, SeriesBuffer>();
  private detail: Map<string, SeriesBuffer> | null = null;
  private zoomed: { min: number; max: number } | null = null;
  /** Live points that came before their run's history, and the runs whose history is in. */
  private early = new Map<string, Array<[number, number]>>();
  private loaded = new Set<string>();
  /** Runs whose live subscription is active: a history read now misses nothing. */
  private readonly subscribed = new Set<string>();
  private generation = 0;
  private zoomGeneration = 0;
  private disposed = false;
  private readonly unlisten: () => void;

  constructor(private readonly o: MetricHistoryOptions) {
    this.runIds = o.runIds;
    this.xAxis = o.xAxis;
    this.unlisten = o.feed.listen({
      points: (runId, points) => this.addLive(runId, points),
      gap: (runId) => {
        // read the run again; what comes live meanwhile waits for it, as on the first read
        this.loaded.delete(runId);
        void this.loadRun(runId, this.generation);
      },
    });
    this.reload();
  }

  /** The buffers to draw: the zoomed range's while zoomed, else the whole history's. */
  get buffers(): ReadonlyMap<string, SeriesBuffer> {
    return this.zoomed && this.detail ? this.detail : this.overview;
  }

  /** The x range zoomed to, or null. */
  get zoom(): { min: number; max: number } | null {
    return this.zoomed;
  }

  /** Whether some run's history has been read (or failed to be). */
  get anyLoaded(): boolean {
    return this.loaded.size > 0;
  }

  /** Reads every run's history again by another x (step or time). */
  setXAxis(xAxis: 'step' | 'time'): void {
    this.xAxis = xAxis;
    this.reload();
  }

  /** Other runs. */
  setRuns(runIds: string[]): void {
    this.runIds = runIds;
    this.reload();
  }

  /** Reads every run's history again (and leaves a zoom). */
  reload(): void {
    const gen = ++this.generation;
    this.overview = new Map();
    this.early = new Map();
    this.loaded = new Set();
    this.detail = null;
    this.zoomed = null;
    for (const id of this.runIds) void this.loadRun(id, gen);
    this.o.changed();
  }

  /** Shows x in [min, max], read again from the agent at finer buckets. */
  async zoomTo(min: number, max: number): Promise<void> {
    const gen = ++this.zoomGeneration;
    this.zoomed = { min, max };
    this.o.changed();
    const step = this.xAxis === 'step';
    const range = { xMin: step ? Math.floor(min) : min, xMax: step ? Math.ceil(max) : max };
    try {
      const replies = await Promise.all(this.runIds.map(async (id) => [id, await this.read(id, range)] as const));
      if (gen !== this.zoomGeneration || !this.zoomed || this.disposed) return;
      this.detail = new Map(replies.map(([id, reply]) => [id, SeriesBuffer.fromReply(reply)]));
      this.error = null;
    } catch (err) {
      if (gen !== this.zoomGeneration || this.disposed) return;
      this.error = (err as Error).message;
    }
    this.o.changed();
  }

  /** Back to the whole history. */
  resetZoom(): void {
    if (!this.zoomed) return;
    this.zoomGeneration++;
    this.zoomed = null;
    this.detail = null;
    this.o.changed();
  }

  /** Stops listening to the feed. */
  dispose(): void {
    this.disposed = true;
    this.unlisten();
  }

  private read(runId: string, range: { xMin?: number; xMax?: number } = {}) {
    return this.o.query.downsample(runId, this.o.key, { xAxis: this.xAxis, buckets: this.o.buckets, ...range });
  }

  /**
   * Reads a run's history. The read does not wait for the run's live subscription (that would
   * add the channel's setup to the first draw): points live before the history arrives wait in
   * `early`, and when the subscription came only after the read, what was committed in between
   * is read again as a tail.
   */
  private async loadRun(runId: string, gen: number): Promise<void> {
    const subscribed = this.subscribed.has(runId);
    const ready = this.o.feed.ready(runId).then(() => void this.subscribed.add(runId));
    let end: number;
    try {
      const buf = SeriesBuffer.fromReply(await this.read(runId));
      if (gen !== this.generation || this.disposed) return;
      end = buf.lastX;
      this.overview.set(runId, buf);
      this.error = null;
      this.settle(runId, buf);
    } catch (err) {
      if (gen !== this.generation || this.disposed) return;
      this.loaded.add(runId);
      this.error = (err as Error).message;
      this.o.changed();
      return;
    }
    if (subscribed) return;
    await ready;
    if (gen !== this.generation || this.disposed) return;
    // the subscription came after the read: points committed in between reached neither
    this.loaded.delete(runId);
    const buf = this.overview.get(runId)!;
    try {
      const tail = await this.read(runId, end > -Infinity ? { xMin: end } : {});
      if (gen !== this.generation || this.disposed) return;
      buf.dropAfter(end);
      buf.appendReply(tail, end);
    } catch {
      // the history as first read stays; live points go on
    }
    this.settle(runId, buf);
  }

  /** History is in: the live points that came meanwhile follow it, and live points go straight in. */
  private settle(runId: string, buf: SeriesBuffer): void {
    const end = buf.lastX;
    for (const [x, v] of this.early.get(runId) ?? []) if (x > end) buf.append(x, v);
    this.early.delete(runId);
    if (buf.length > LIVE_SLACK * this.o.buckets) buf.reduce(this.o.buckets);
    this.loaded.add(runId);
    this.o.changed();
  }

  private addLive(runId: string, points: readonly WireMetric[]): void {
    if (!this.runIds.includes(runId)) return;
    let buf: SeriesBuffer | undefined;
    for (const m of points) {
      if (m.key !== this.o.key) continue;
      const x = this.xAxis === 'step' ? m.step : m.timestamp;
      const v = metricNumber(m.value);
      if (!this.loaded.has(runId)) {
        let list = this.early.get(runId);
        if (!list) this.early.set(runId, (list = []));
        list.push([x, v]);
        continue;
      }
      buf ??= this.overview.get(runId);
      if (!buf) this.overview.set(runId, (buf = new SeriesBuffer()));
      buf.append(x, v);
    }
    if (!buf) return;
    if (buf.length > LIVE_SLACK * this.o.buckets) buf.reduce(this.o.buckets);
    // a zoomed view holds still while the runs log; zooming out shows what came
    if (!this.zoomed) this.o.changed();
  }
}
