/**
 * Applying a track of versioned migrations: each in its own transaction, recorded in the track's
 * version table. Agents starting at once on one database take the track's advisory lock first,
 * so each migration runs once. The tracking store and the auth tables are two tracks, so either
 * can grow without touching the other.
 */
import type { PoolClient } from 'pg';

/** One migration: its version and the statements that make it. */
export interface Migration {
  version: number;
  /** What it does, recorded beside its version. */
  what: string;
  sql: string;
}

/** A track: its migrations (oldest first; never edit a released one, add the next), table and lock. */
export interface MigrationTrack {
  migrations: readonly Migration[];
  /** The table recording the versions applied. */
  table: string;
  /** The advisory lock key the track's migrations run under. */
  lock: number;
}

/** Applies the migrations of `track` that `client`'s database lacks; returns the versions applied. */
export async function applyMigrations(client: PoolClient, track: MigrationTrack): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [track.lock]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS ${track.table} (version int PRIMARY KEY, what text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ version: number }>(`SELECT version FROM ${track.table}`)).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of track.migrations) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO ${track.table} (version, what) VALUES ($1, $2)`, [m.version, m.what]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      applied.push(m.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [track.lock]);
  }
}
