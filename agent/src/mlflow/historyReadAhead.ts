/**
 * get-history's pages, and the next one encoded while the client reads this one. MLflow's client
 * reads a long history in 25,000-point pages, one after the other: a million points are forty
 * requests, and turning each page into JSON costs the agent about as long as parsing it costs the
 * client. Encoding page k+1 as soon as page k is sent lets the two overlap (the agent and its
 * client run on different cores).
 *
 * A page read ahead is only ever a faster way to the same bytes: when page k+1 is asked for, its
 * points are read from the store again (cheap: the store keeps a metric's columns in memory) and
 * the encoded page is used only if they are exactly the points it was encoded from — so a point
 * written meanwhile, through any agent, is never missed. Bounded: a few pages, briefly.
 */
import { encodePageToken } from '../search/pageToken.js';
import type { MetricPoint } from '../store/records.js';
import { wireMetric } from './wire.js';

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
export function encodeHistoryPage(points: PagePoints, page: Pick<HistoryPage, 'offset' | 'max'>): string {
  const shown = points.length > page.max ? points.slice(0, page.max) : points;
  // a stored point has the wire's fields in the wire's order: only NaN and ±Infinity need
  // MLflow's strings, so the common page is stringified as it is, without a copy per point
  const body: Record<string, unknown> = { metrics: shown.every((p) => Number.isFinite(p.value)) ? shown : shown.map(wireMetric) };
  if (points.length > page.max) body.next_page_token = encodePageToken(page.offset + page.max);
  return JSON.stringify(body);
}

interface Ahead {
  points: PagePoints;
  /** The body as bytes: turning two megabytes of text into UTF-8 is done ahead too. */
  body: Buffer;
  at: number;
}

const idOf = (p: HistoryPage) => `${p.runId}\u0000${p.key}\u0000${p.offset}\u0000${p.max}`;

function samePoints(a: PagePoints, b: PagePoints): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.step !== y.step || x.timestamp !== y.timestamp || !Object.is(x.value, y.value) || x.key !== y.key) return false;
  }
  return true;
}

/** Pages of get-history encoded ahead of their requests. */
export class HistoryReadAhead {
  // a Map iterates in insertion order: the oldest page goes first
  private readonly pages = new Map<string, Ahead>();

  /**
   * The body of `page`, whose points were just read: the one encoded ahead when it was encoded
   * from exactly these points, else encoded now. Then, when another page follows, that one is
   * read and encoded after this reply is on its way.
   * @param read reads a page's points from the store (up to `max + 1`)
   */
  body(page: HistoryPage, points: PagePoints, read: (p: HistoryPage) => Promise<PagePoints>): string | Buffer {
    const id = idOf(page);
    const ahead = this.pages.get(id);
    this.pages.delete(id);
    const body = ahead && samePoints(ahead.points, points) ? ahead.body : encodeHistoryPage(points, page);
    if (points.length > page.max && page.max >= READ_AHEAD_MIN) this.readAhead({ ...page, offset: page.offset + page.max }, read);
    return body;
  }

  private readAhead(next: HistoryPage, read: (p: HistoryPage) => Promise<PagePoints>): void {
    // after this reply is written: the page asked for goes out first
    setImmediate(() => {
      void read(next).then(
        (points) => {
          const now = Date.now();
          for (const [id, p] of this.pages) if (this.pages.size >= PAGES_KEPT || now - p.at > KEPT_MS) this.pages.delete(id);
          this.pages.set(idOf(next), { points, body: Buffer.from(encodeHistoryPage(points, next)), at: now });
        },
        // the request for it reads the store itself, and meets the error there
        () => undefined,
      );
    });
  }
}
