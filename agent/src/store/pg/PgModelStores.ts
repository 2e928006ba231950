/**
 * The model registry and the logged models of a PostgreSQL store, opened beside its tracking
 * store: their own small pool on the same database, their transactions numbered into the same
 * events table and delivered by the tracking store's feed (so one feed, one order, for viewers).
 */
import pg from 'pg';
import type { PgChangeFeed } from './PgChangeFeed.js';
import { PgLoggedModels } from './PgLoggedModels.js';
import { PgModelRegistry } from './PgModelRegistry.js';
import { PG_TYPES } from './pgRows.js';
import { PgTransactions } from './PgTransactions.js';

/** Connections the registry and logged models use at most (registry traffic is light). */
const POOL_SIZE = 4;

/** The PostgreSQL registry and logged models, and the pool they share. */
export class PgModelStores {
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    readonly registry: PgModelRegistry,
    readonly loggedModels: PgLoggedModels,
  ) {}

  /**
   * Connects to the database a `PgTrackingStore` opened (and migrated).
   * @param feed that tracking store's feed: the events these stores commit are delivered through it
   */
  static async open(uri: string, feed: PgChangeFeed): Promise<PgModelStores> {
    const pool = new pg.Pool({ connectionString: uri, max: POOL_SIZE, types: PG_TYPES });
    // an idle client that loses its connection must not crash the agent; the next query reconnects
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1 FROM registered_models LIMIT 0');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    const transactions = new PgTransactions(pool, feed);
    return new PgModelStores(pool, new PgModelRegistry(pool, transactions), new PgLoggedModels(pool, transactions));
  }

  /** Releases the pool once the transactions under way are done. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
