/**
 * The auth tables on their own migration track (`auth_schema_version`), apart from the tracking
 * store's (store/pg/migrations.ts), so either can grow without touching the other. Agents starting
 * at once on one database take an advisory lock of their own first, so each migration runs once.
 */
import type { PoolClient } from 'pg';
import { applyMigrations, type Migration } from '../../store/pg/migrationTrack.js';

/** Every auth migration, oldest first. Never edit a released one: add the next. */
export const AUTH_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'users, personal tokens, sessions, experiment and registered model permissions',
    sql: `
      CREATE TABLE auth_users (
        id serial PRIMARY KEY,
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        is_admin boolean NOT NULL DEFAULT false
      );
      -- personal tokens and page sessions: only a SHA-256 of the secret is kept
      CREATE TABLE auth_secrets (
        secret_hash text PRIMARY KEY,
        user_id int NOT NULL REFERENCES auth_users ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('token', 'session')),
        name text NOT NULL DEFAULT '',
        created_at bigint NOT NULL,
        expires_at bigint
      );
      CREATE INDEX auth_secrets_by_user ON auth_secrets (user_id);
      CREATE TABLE auth_experiment_permissions (
        experiment_id text NOT NULL,
        user_id int NOT NULL REFERENCES auth_users ON DELETE CASCADE,
        permission text NOT NULL,
        PRIMARY KEY (experiment_id, user_id)
      );
      CREATE INDEX auth_experiment_permissions_by_user ON auth_experiment_permissions (user_id);
      CREATE TABLE auth_model_permissions (
        name text NOT NULL,
        user_id int NOT NULL REFERENCES auth_users ON DELETE CASCADE,
        permission text NOT NULL,
        PRIMARY KEY (name, user_id)
      );
      CREATE INDEX auth_model_permissions_by_user ON auth_model_permissions (user_id);
    `,
  },
  {
    version: 2,
    what: 'notebook sessions belong to the user who registered them',
    sql: `
      CREATE TABLE auth_session_owners (
        session text PRIMARY KEY,
        user_id int NOT NULL REFERENCES auth_users ON DELETE CASCADE
      );
    `,
  },
];

/** The advisory lock key auth migrations run under ("lbauth" in ASCII), not the tracking store's. */
const AUTH_MIGRATION_LOCK = 0x6c6261757468;

/** Applies the migrations the database lacks; returns the versions applied. */
export function migrateAuth(client: PoolClient): Promise<number[]> {
  return applyMigrations(client, { migrations: AUTH_MIGRATIONS, table: 'auth_schema_version', lock: AUTH_MIGRATION_LOCK });
}
