/**
 * The change feed of a PostgreSQL store: the database's events table, numbered without gaps in
 * commit order (writers take one advisory lock for numbering, held until they commit). Every
 * agent on the database LISTENs on one channel; a NOTIFY (sent by the committing transaction)
 * makes each agent read the events past the last it delivered, in order. So a viewer on any
 * agent sees every agent's changes in one order, and since the numbers and the epoch (the
 * database's id) are the database's, a viewer resumes by seq across agent restarts and moves.
 */
import pg from 'pg';
import type { ChangeFeed, FeedEvent, FeedListener } from '../ChangeFeed.js';
import { decodeEvent } from './eventCodec.js';

/** The channel writers NOTIFY after adding events. */
export const EVENTS_CHANNEL = 'lablog_events';
/** How often the feed reads the events table without being notified. */
const SWEEP_MS = 2000;
/** Events read at once while catching up. */
const READ_CHUNK = 5000;

/** A feed over the events table. */
export class PgChangeFeed implements ChangeFeed {
  private last: number;
  private readonly listeners = new Set<FeedListener>();
  private reading: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** A slow poll besides LISTEN: a notification lost with its connection delays changes, never drops them. */
  private readonly sweep: NodeJS.Timeout;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly listener: pg.Client,
    readonly epoch: string,
    start: number,
  ) {
    this.last = start;
    this.sweep = setInterval(() => void this.poll().catch(() => undefined), SWEEP_MS);
    this.sweep.unref();
  }

  /**
   * Starts listening; delivers changes committed from now on.
   * @param connect makes the dedicated LISTEN connection
   */
  static async open(pool: pg.Pool, connect: () => pg.Client, epoch: string): Promise<PgChangeFeed> {
    const client = connect();
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    const { rows } = await pool.query<{ seq: number }>('SELECT coalesce(max(seq), 0)::int8 AS seq FROM events');
    const feed = new PgChangeFeed(pool, client, epoch, rows[0]!.seq);
    client.on('notification', () => feed.poll());
    // a lost LISTEN connection would silently stop the feed: say so rather than serve stale views
    client.on('error', (err) => {
      if (!feed.closed) console.error(`lablog: the PostgreSQL change feed lost its LISTEN connection (${err.message}); live views now lag up to ${SWEEP_MS / 1000} s until the agent restarts`);
    });
    return feed;
  }

  get seq(): number {
    return this.last;
  }

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads and delivers the events past the last delivered (coalesced: one reader at a time). */
  poll(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        let n = READ_CHUNK;
        while (n === READ_CHUNK && !this.closed) {
          const { rows } = await this.pool.query<{ seq: number; body: string }>('SELECT seq, body FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [this.last, READ_CHUNK]);
          n = rows.length;
          for (const r of rows) {
            const e: FeedEvent = { seq: r.seq, event: decodeEvent(r.body) };
            this.last = r.seq;
            for (const l of this.listeners) l(e);
          }
        }
      } while (this.again && !this.closed);
    })().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  async replay(since: number): Promise<FeedEvent[] | null> {
    const { rows } = await this.pool.query<{ seq: number; body: string }>('SELECT seq, body FROM events WHERE seq > $1 ORDER BY seq', [since]);
    // the events table is trimmed from the oldest end: a gap right after `since` means they are gone
    if (rows.length > 0 && rows[0]!.seq !== since + 1) return null;
    return rows.map((r) => ({ seq: r.seq, event: decodeEvent(r.body) }));
  }

  /** Stops listening. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweep);
    await this.reading?.catch(() => undefined);
    await this.listener.end().catch(() => undefined);
  }
}
