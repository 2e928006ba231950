/**
 * get-history's pages, and the next one encoded while the client reads this one. MLflow's client
 * reads a long history in 25,000-point pages, one after the other: a million points are forty
 * requests, and turning each page into JSON costs the agent about as long as parsing it costs the
 * client. Encoding page k+1 as soon as page k is sent lets the two overlap (the agent and its
 * client run on different cores).
 *
 * A page read ahead is only ever a faster way to the same bytes: when page k+1 is asked for, the
 * metric's point count is read from the store again, and the encoded page is used only if it is
 * the count the page was read at — every write adds points, so a point written meanwhile,
 * through any agent, is never missed. Bounded: a few pages, briefly.
 */
import { encodePageToken } from '../search/pageToken.js';
import type { MetricPoint } from '../store/records.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import { metricsPageJson } from './metricsPageJson.js';

/** Pages kept read ahead at most (one per client paging through a history at once). */
const PAGES_KEPT = 8;
/** How long a page read ahead waits for its request. */
const KEPT_MS = 10_000;
/** Pages smaller than this are encoded when asked for: reading ahead would not pay. */
const READ_AHEAD_MIN = 1000;

/** A page of get-history, as the client asked for it. */
export interface HistoryPage {
  runId: string;
  key: string;
  offset: number;
  /** Points a page holds at most. */
  max: number;
}

/** The page's points as read from the store: up to `max + 1` (one past tells another page follows). */
export type PagePoints = readonly MetricPoint[];

/** A page's JSON body, as MLflow writes it: the points, then the next page's token when one follows. */
export function encodeHistoryPage(points: PagePoints, page: Pick<HistoryPage, 'offset' | 'max'>): Buffer {
  if (points.length <= page.max) return metricsPageJson(points);
  return metricsPageJson(points.slice(0, page.max), encodePageToken(page.offset + page.max));
}

interface Ahead {
  /** The metric's point count the page was read at: the same count now, the same page. */
  count: number;
  /** Whether another page followed it. */
  more: boolean;
  /** The body's bytes. */
  body: Buffer;
}

/**
 * A page being read ahead, or read: its request may come before the encoding ends (the client
 * parses about as fast as the agent encodes), and then waits for it rather than doing it twice.
 */
interface Pending {
  ready: Promise<Ahead | null>;
  at: number;
}

const idOf = (p: HistoryPage) => `${p.runId}\u0000${p.key}\u0000${p.offset}\u0000${p.max}`;

/** What the read-ahead reads from the store. */
export type HistorySource = Pick<TrackingStore, 'metricHistoryAt' | 'metricPointCount'>;

/** A page's points (up to `max + 1`: one past tells another page follows), with the count they were read at. */
const readPage = (store: HistorySource, p: HistoryPage) => store.metricHistoryAt(p.runId, p.key, { offset: p.offset, limit: p.max + 1 });

/** Pages of get-history encoded ahead of their requests. */
export class HistoryReadAhead {
  // a Map iterates in insertion order: the oldest page goes first
  private readonly pages = new Map<string, Pending>();

  constructor(private readonly store: HistorySource) {}

  /**
   * The body of `page`: the one encoded ahead when the metric's point count is still the one it
   * was read at (one small read instead of the page's points), else read and encoded now. Then,
   * when another page follows, that one is read and encoded after this reply is on its way.
   */
  async body(page: HistoryPage): Promise<Buffer> {
    const id = idOf(page);
    const pending = this.pages.get(id);
    this.pages.delete(id);
    const ahead = pending && (await pending.ready);
    if (ahead && (await this.store.metricPointCount(page.runId, page.key)) === ahead.count) {
      if (ahead.more) this.readAhead(page);
      return ahead.body;
    }
    const { points } = await readPage(this.store, page);
    if (points.length > page.max) this.readAhead(page);
    return encodeHistoryPage(points, page);
  }

  /** Reads the page after `page` now, and encodes it after this reply is written. */
  private readAhead(page: HistoryPage): void {
    if (page.max < READ_AHEAD_MIN) return;
    const next = { ...page, offset: page.offset + page.max };
    const at = Date.now();
    for (const [id, p] of this.pages) if (this.pages.size >= PAGES_KEPT || at - p.at > KEPT_MS) this.pages.delete(id);
    // one read, begun now (it waits on the database, not the thread): the points and the count
    // they were read at (or an earlier one, so that a write meanwhile has the page read again
    // when asked for — never the other way round)
    const read = readPage(this.store, next);
    const written = new Promise((resolve) => setImmediate(resolve));
    const ready = Promise.all([read, written])
      .then(([{ points, count }]): Ahead => ({ count, more: points.length > next.max, body: encodeHistoryPage(points, next) }))
      // the request for it reads the store itself, and meets the error there
      .catch(() => null);
    this.pages.set(idOf(next), { ready, at });
  }
}
