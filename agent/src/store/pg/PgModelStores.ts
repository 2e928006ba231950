/**
 * The model registry and the logged models of a PostgreSQL store, opened beside its tracking
 * store: on its pool (registry traffic is light, and an agent then holds one pool's connections
 * and the feed's, not a pool per store), their transactions numbered into the same events table
 * and delivered by the tracking store's feed (so one feed, one order, for viewers).
 */
import { PgLoggedModels } from './PgLoggedModels.js';
import { PgModelRegistry } from './PgModelRegistry.js';
import type { PgTrackingStore } from './PgTrackingStore.js';
import { PgTransactions } from './PgTransactions.js';

/** The PostgreSQL registry and logged models. */
export class PgModelStores {
  private constructor(
    readonly registry: PgModelRegistry,
    readonly loggedModels: PgLoggedModels,
  ) {}

  /**
   * The registry and logged models of the database `tracking` opened (and migrated), on its pool;
   * the events they commit are delivered through its feed. They close with it.
   */
  static async open(tracking: Pick<PgTrackingStore, 'pool' | 'feed'>): Promise<PgModelStores> {
    const { pool, feed } = tracking;
    await pool.query('SELECT 1 FROM registered_models LIMIT 0');
    const transactions = new PgTransactions(pool, feed);
    return new PgModelStores(new PgModelRegistry(pool, transactions), new PgLoggedModels(pool, transactions));
  }
}
