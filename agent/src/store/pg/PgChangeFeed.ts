/**
 * The change feed of a PostgreSQL store: the database's events table, numbered without gaps in
 * commit order (writers take one advisory lock for numbering, held until they commit). Every
 * agent on the database LISTENs on one channel; a NOTIFY (sent by the committing transaction)
 * makes each agent read the events past the last it delivered, in order. So a viewer on any
 * agent sees every agent's changes in one order, and since the numbers and the epoch (the
 * database's id) are the database's, a viewer resumes by seq across agent restarts and moves.
 *
 * The LISTEN connection is the feed's only long-lived one: when it drops (a server restart, a
 * failover, an idle timeout, `pg_terminate_backend`), the feed connects and listens again with
 * jittered backoff and then reads from where it stopped — by seq, so nothing committed meanwhile
 * is lost or delivered twice; until then the slow sweep keeps views moving.
 */
import pg from 'pg';
import type { ChangeFeed, FeedEvent, FeedListener } from '../ChangeFeed.js';
import { decodeEvent } from './eventCodec.js';

/** The channel writers NOTIFY after adding events. */
export const EVENTS_CHANNEL = 'lablog_events';
/** The `application_name` of LISTEN connections (how an operator, or a test, tells them apart). */
export const FEED_APPLICATION = 'lablog change feed';
/** How often the feed reads the events table without being notified. */
const SWEEP_MS = 2000;
/** Events read at once while catching up. */
const READ_CHUNK = 5000;
/** Backoff between attempts to listen again: from the first delay, doubling, up to the last. */
const RELISTEN_FIRST_MS = 100;
const RELISTEN_MAX_MS = 5000;

/** A feed over the events table. */
export class PgChangeFeed implements ChangeFeed {
  private last: number;
  private readonly listeners = new Set<FeedListener>();
  private reading: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** A slow poll besides LISTEN: a notification lost with its connection delays changes, never drops them. */
  private readonly sweep: NodeJS.Timeout;

  /** The connection listening now (null while listening again). */
  private listener: pg.Client | null = null;
  private relisten: NodeJS.Timeout | null = null;
  private attempts = 0;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly connect: () => pg.Client,
    readonly epoch: string,
    start: number,
  ) {
    this.last = start;
    this.sweep = setInterval(() => void this.poll().catch(() => undefined), SWEEP_MS);
    this.sweep.unref();
  }

  /**
   * Starts listening; delivers changes committed from now on.
   * @param connect makes a LISTEN connection (again each time one is lost)
   */
  static async open(pool: pg.Pool, connect: () => pg.Client, epoch: string): Promise<PgChangeFeed> {
    // listening before reading the last seq: nothing committed in between goes unnoticed
    const client = await PgChangeFeed.listen(connect);
    const { rows } = await pool.query<{ seq: number }>('SELECT coalesce(max(seq), 0)::int8 AS seq FROM events').catch(async (err: unknown) => {
      await client.end().catch(() => undefined);
      throw err;
    });
    const feed = new PgChangeFeed(pool, connect, epoch, rows[0]!.seq);
    feed.adopt(client);
    return feed;
  }

  /** A new connection LISTENing on the channel. */
  private static async listen(connect: () => pg.Client): Promise<pg.Client> {
    const client = connect();
    // an error before the handlers below are in place must not go unhandled
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  /** Makes `client` the listening connection: its notifications read the table; its loss starts listening again. */
  private adopt(client: pg.Client): void {
    this.listener = client;
    client.on('notification', () => void this.poll().catch(() => undefined));
    const lost = (why: string) => {
      if (this.listener !== client || this.closed) return;
      this.listener = null;
      console.error(`lablog: the PostgreSQL change feed lost its LISTEN connection (${why}); listening again`);
      void client.end().catch(() => undefined);
      this.scheduleRelisten();
    };
    client.on('error', (err: Error) => lost(err.message));
    client.on('end', () => lost('connection ended'));
  }

  private scheduleRelisten(): void {
    if (this.closed || this.relisten) return;
    const ceiling = Math.min(RELISTEN_MAX_MS, RELISTEN_FIRST_MS * 2 ** this.attempts++);
    this.relisten = setTimeout(() => {
      this.relisten = null;
      void PgChangeFeed.listen(this.connect).then(
        (client) => {
          if (this.closed) return void client.end().catch(() => undefined);
          this.attempts = 0;
          this.adopt(client);
          // whatever was committed while no one listened, from the last seq delivered
          void this.poll().catch(() => undefined);
        },
        () => this.scheduleRelisten(),
      );
    }, ceiling / 2 + Math.random() * (ceiling / 2));
    this.relisten.unref();
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
    if (this.relisten) clearTimeout(this.relisten);
    await this.reading?.catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
  }
}
