/**
 * The PostgreSQL store's transactions: each operation runs in one, and the changes it lists are
 * numbered into the events table at its end, under an advisory lock held until the commit, so
 * that the feed's order is the commit order across every agent (see PgChangeFeed). Also the run
 * row lock every rule that reads a run takes.
 */
import type pg from 'pg';
import { alreadyExists, invalidParameter, notFound } from '../../errors.js';
import type { StoreEvent } from '../records.js';
import { encodeEvent } from './eventCodec.js';
import { EVENTS_CHANNEL, type PgChangeFeed } from './PgChangeFeed.js';
import type { RunRow } from './pgRows.js';

/** The advisory lock writers number events under ("events" in ASCII). */
const EVENTS_LOCK = 0x6576656e7473;

/** A transaction's work: it returns a value and lists the changes it made. */
export type Work<T> = (c: pg.PoolClient, changed: StoreEvent[]) => Promise<T>;

/** Runs transactions on a pool and announces what they changed on the feed. */
export class PgTransactions {
  constructor(
    private readonly pool: pg.Pool,
    private readonly feed: PgChangeFeed,
  ) {}

  /**
   * Runs `work` in a transaction. The changes it lists are numbered into the events table last
   * (under the numbering lock, held only until the commit), then the feed reads them.
   */
  async run<T>(work: Work<T>): Promise<T> {
    const c = await this.pool.connect();
    let result: T;
    const changed: StoreEvent[] = [];
    try {
      await c.query('BEGIN');
      result = await work(c, changed);
      if (changed.length > 0) {
        // the numbering lock first, in a statement of its own: the insert's snapshot, taken
        // when its statement starts, then sees every event committed before the lock was ours
        await c.query('SELECT pg_advisory_xact_lock($1)', [EVENTS_LOCK]);
        await c.query(
          `WITH top AS (SELECT coalesce(max(seq), 0) AS s FROM events)
           INSERT INTO events (seq, body) SELECT top.s + u.n, u.body FROM top, unnest($1::text[]) WITH ORDINALITY AS u(body, n)
           RETURNING pg_notify('${EVENTS_CHANNEL}', '')`,
          [changed.map(encodeEvent)],
        );
      }
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw translate(err);
    } finally {
      c.release();
    }
    // delivered on this agent before the caller is answered, as the file engine does: a viewer
    // here sees a change no later than its writer's reply
    if (changed.length > 0) await this.feed.poll().catch(() => undefined);
    return result;
  }

}

/** The run's row, locked until the transaction ends. @throws RESOURCE_DOES_NOT_EXIST; INVALID_PARAMETER_VALUE when `mustBeActive` and it is not */
export async function lockRun(c: pg.PoolClient, runId: string, mustBeActive = false): Promise<RunRow> {
    const { rows } = await c.query<RunRow>('SELECT * FROM runs WHERE run_id = $1 FOR UPDATE', [runId]);
  const row = rows[0];
  if (!row) throw notFound(`Run with id=${runId} not found`);
  if (mustBeActive && row.lifecycle_stage !== 'active') {
    throw invalidParameter(`The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
  }
  return row;
}

/** MLflow errors for constraint violations a rule relies on. */
function translate(err: unknown): unknown {
  const e = err as { code?: string; constraint?: string; detail?: string };
  if (e.code === '23505' && e.constraint === 'experiments_name_key') {
    const name = /\(name\)=\((.*)\)/.exec(e.detail ?? '')?.[1] ?? '';
    return alreadyExists(`Experiment(name=${name}) already exists.`);
  }
  return err;
}
