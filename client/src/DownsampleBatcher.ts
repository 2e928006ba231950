/**
 * Downsampled reads, coalesced: the reads of one metric asked for in the same turn (the charts of
 * a 100-run comparison ask for 100 histories at once) go to the agent as one bulk request per
 * 100 runs instead of one request each. An agent without the bulk endpoint gets the single
 * reads, as before.
 */
import { DOWNSAMPLE_BULK_MAX_RUNS, type DownsampleBulkReply, type DownsampleReply } from '@lablog/schema';
import { RequestError, type RestClient } from './RestClient.js';

/** Options of one read. */
export interface DownsampleRead {
  xAxis?: 'step' | 'time';
  buckets?: number;
  xMin?: number;
  xMax?: number;
}

interface Pending {
  runId: string;
  o: DownsampleRead;
  resolve: (r: DownsampleReply) => void;
  reject: (e: Error) => void;
}

const SINGLE = '/api/2.0/lablog/metrics/downsample';
const BULK = '/api/2.0/lablog/metrics/downsample-bulk';

/** Coalesces downsampled reads into bulk requests. */
export class DownsampleBatcher {
  /** Reads waiting for the end of the turn, by metric, x axis and buckets. */
  private pending = new Map<string, { key: string; o: DownsampleRead; reads: Pending[] }>();
  private scheduled = false;
  /** Whether the agent has the bulk endpoint (unknown until asked). */
  private bulk: boolean | null = null;

  constructor(private readonly rest: RestClient) {}

  /** A metric's history reduced per x bucket; joins the other reads of this turn. */
  read(runId: string, key: string, o: DownsampleRead): Promise<DownsampleReply> {
    return new Promise((resolve, reject) => {
      const group = JSON.stringify([key, o.xAxis ?? 'step', o.buckets ?? null]);
      let g = this.pending.get(group);
      if (!g) this.pending.set(group, (g = { key, o, reads: [] }));
      g.reads.push({ runId, o, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setTimeout(() => this.flush(), 0);
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const groups = [...this.pending.values()];
    this.pending = new Map();
    for (const g of groups) {
      if (g.reads.length === 1 || this.bulk === false) for (const p of g.reads) void this.single(g.key, p);
      else for (let i = 0; i < g.reads.length; i += DOWNSAMPLE_BULK_MAX_RUNS) void this.many(g.key, g.o, g.reads.slice(i, i + DOWNSAMPLE_BULK_MAX_RUNS));
    }
  }

  private async single(key: string, p: Pending): Promise<void> {
    const q: Record<string, string> = { run_id: p.runId, metric_key: key };
    if (p.o.xAxis) q.x_axis = p.o.xAxis;
    if (p.o.buckets !== undefined) q.buckets = String(p.o.buckets);
    if (p.o.xMin !== undefined) q.x_min = String(p.o.xMin);
    if (p.o.xMax !== undefined) q.x_max = String(p.o.xMax);
    try {
      p.resolve(await this.rest.request<DownsampleReply>(SINGLE, null, 'GET', q));
    } catch (err) {
      p.reject(err as Error);
    }
  }

  private async many(key: string, o: DownsampleRead, reads: Pending[]): Promise<void> {
    const body = {
      metric_key: key,
      ...(o.xAxis ? { x_axis: o.xAxis } : {}),
      ...(o.buckets !== undefined ? { buckets: o.buckets } : {}),
      runs: reads.map((p) => ({ run_id: p.runId, ...(p.o.xMin !== undefined ? { x_min: p.o.xMin } : {}), ...(p.o.xMax !== undefined ? { x_max: p.o.xMax } : {}) })),
    };
    let reply: DownsampleBulkReply;
    try {
      reply = await this.rest.request<DownsampleBulkReply>(BULK, body, 'POST');
      this.bulk = true;
    } catch (err) {
      // an agent from before the bulk endpoint: read one by one, now and from now on
      if (err instanceof RequestError && err.status === 404 && this.bulk === null) {
        this.bulk = false;
        for (const p of reads) void this.single(key, p);
        return;
      }
      for (const p of reads) p.reject(err as Error);
      return;
    }
    reads.forEach((p, i) => {
      const r = reply.results[i];
      if (r && 'reply' in r) p.resolve(r.reply);
      else p.reject(new RequestError(r?.error_code === 'RESOURCE_DOES_NOT_EXIST' ? 404 : 400, r?.error_code ?? 'INTERNAL_ERROR', r?.message ?? 'no result for this run'));
    });
  }
}
