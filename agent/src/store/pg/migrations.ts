/**
 * The PostgreSQL store's schema as numbered migrations, applied in order when an agent starts,
 * each in its own transaction and recorded in `lablog_migrations`. Agents starting at once on
 * one database take an advisory lock first, so each migration runs once.
 *
 * Lessons from MLflow's SQL store (mlflow#12813, #20927, #1865): no row per metric point (MLflow's
 * metrics table has one, under a primary key of (key, timestamp, step, run_uuid, value, is_nan),
 * an index as large as the table): points are kept in chunks of thousands (version 3); the
 * latest value per metric is kept at write time in its own table, with its experiment, so a
 * search never scans the points nor joins every run.
 */
import type { PoolClient } from 'pg';
import { applyMigrations, type Migration } from './migrationTrack.js';
import { REGISTRY_MIGRATION } from './registryMigration.js';

/** Every migration, oldest first. Never edit a released one: add the next. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'experiments, runs, metric points, latest metrics, client batches, change events',
    sql: `
      CREATE TABLE lablog_meta (key text PRIMARY KEY, value text NOT NULL);
      INSERT INTO lablog_meta VALUES ('database_id', md5(random()::text || clock_timestamp()::text));

      CREATE SEQUENCE experiment_ids START 1;
      CREATE TABLE experiments (
        experiment_id text PRIMARY KEY,
        name text NOT NULL UNIQUE,
        artifact_location text NOT NULL,
        lifecycle_stage text NOT NULL,
        creation_time bigint NOT NULL,
        last_update_time bigint NOT NULL,
        tags jsonb NOT NULL DEFAULT '{}'
      );
      INSERT INTO experiments VALUES ('0', 'Default', 'mlflow-artifacts:/0', 'active',
        (extract(epoch FROM now()) * 1000)::bigint, (extract(epoch FROM now()) * 1000)::bigint, '{}');

      CREATE TABLE runs (
        rid bigserial UNIQUE NOT NULL,
        run_id text PRIMARY KEY,
        experiment_id text NOT NULL REFERENCES experiments,
        run_name text NOT NULL,
        user_id text NOT NULL,
        status text NOT NULL,
        start_time bigint NOT NULL,
        end_time bigint,
        artifact_uri text NOT NULL,
        lifecycle_stage text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        tags jsonb NOT NULL DEFAULT '{}',
        inputs jsonb NOT NULL DEFAULT '[]',
        model_outputs jsonb
      );
      CREATE INDEX runs_by_experiment ON runs (experiment_id, start_time DESC, run_id);

      -- every point; no primary key (see above); float8 holds NaN and ±Infinity as they are
      CREATE TABLE metrics (
        rid bigint NOT NULL,
        key text NOT NULL,
        step bigint NOT NULL,
        ts bigint NOT NULL,
        value float8 NOT NULL
      );
      CREATE INDEX metrics_run_key_step ON metrics (rid, key, step);

      -- the latest value per run and key (highest step, then newest timestamp), kept at write time
      CREATE TABLE latest_metrics (
        rid bigint NOT NULL,
        key text NOT NULL,
        value float8 NOT NULL,
        ts bigint NOT NULL,
        step bigint NOT NULL,
        PRIMARY KEY (rid, key)
      );
      CREATE INDEX latest_metrics_by_key ON latest_metrics (key, value);

      -- the last batch seq stored per run and live-channel client (a resent batch is stored once)
      CREATE TABLE client_batches (
        rid bigint NOT NULL,
        client text NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (rid, client)
      );

      -- the change feed: gapless, in commit order (writers number events under one advisory lock)
      CREATE TABLE events (
        seq bigint PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        body text NOT NULL
      );
    `,
  },
  REGISTRY_MIGRATION,
  {
    version: 3,
    what: 'metric points in chunks instead of a row each; latest metrics carry their experiment for search',
    sql: `
      -- a metric's points in chunks of up to 4096 (see metricChunks): the columns as big-endian
      -- doubles (float8send's bytes), never compressed (doubles barely compress and a read would
      -- pay for it), the bounds a read orders and prunes by
      CREATE TABLE metric_chunks (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        rid bigint NOT NULL,
        key text NOT NULL,
        n int NOT NULL,
        first_step bigint NOT NULL,
        first_ts bigint NOT NULL,
        last_step bigint NOT NULL,
        last_ts bigint NOT NULL,
        ts_lo bigint NOT NULL,
        ts_hi bigint NOT NULL,
        steps bytea NOT NULL,
        stamps bytea NOT NULL,
        vals bytea NOT NULL
      );
      ALTER TABLE metric_chunks ALTER steps SET STORAGE EXTERNAL, ALTER stamps SET STORAGE EXTERNAL, ALTER vals SET STORAGE EXTERNAL;
      -- (with the sizes and first points: placing a batch and a metric's point count read the index only)
      CREATE INDEX metric_chunks_in_order ON metric_chunks (rid, key, last_step, last_ts, seq) INCLUDE (n, first_step, first_ts);

      -- the points stored so far, 4096 a chunk in the store's order (step, timestamp, then as logged)
      INSERT INTO metric_chunks (rid, key, n, first_step, first_ts, last_step, last_ts, ts_lo, ts_hi, steps, stamps, vals)
      SELECT rid, key, count(*), min(step), (array_agg(ts ORDER BY o))[1], max(step), (array_agg(ts ORDER BY o DESC))[1], min(ts), max(ts),
             string_agg(float8send(step::float8), ''::bytea ORDER BY o), string_agg(float8send(ts::float8), ''::bytea ORDER BY o),
             string_agg(float8send(value), ''::bytea ORDER BY o)
        FROM (SELECT *, row_number() OVER (PARTITION BY rid, key ORDER BY step, ts, ctid) - 1 AS o FROM metrics) m
       GROUP BY rid, key, o / 4096
       ORDER BY rid, key, o / 4096;
      DROP TABLE metrics;

      -- a search ordered by a metric walks (experiment, key, value) in either direction, NaN after
      -- the numbers both ways (see runSearchSql), instead of joining and sorting every run
      ALTER TABLE latest_metrics ADD COLUMN experiment_id text;
      UPDATE latest_metrics l SET experiment_id = r.experiment_id FROM runs r WHERE r.rid = l.rid;
      ALTER TABLE latest_metrics ALTER experiment_id SET NOT NULL;
      DROP INDEX latest_metrics_by_key;
      -- (the runs' numbers ride along, and the value in the primary key: a walk that checks another
      -- metric of each run it passes reads indexes only)
      CREATE INDEX latest_metrics_ascending ON latest_metrics (experiment_id, key, value) INCLUDE (rid);
      CREATE INDEX latest_metrics_descending ON latest_metrics (experiment_id, key, (value = 'NaN'::float8), value DESC) INCLUDE (rid);
      ALTER TABLE latest_metrics DROP CONSTRAINT latest_metrics_pkey, ADD PRIMARY KEY (rid, key) INCLUDE (value);
    `,
  },
  {
    version: 4,
    what: 'the logged models a run used (MLflow 3 model inputs)',
    sql: `ALTER TABLE runs ADD COLUMN model_inputs jsonb;`,
  },
];

/** The advisory lock key migrations run under (any constant; "lablog" in ASCII). */
const MIGRATION_LOCK = 0x6c61626c6f67;

/** Applies the migrations the database lacks; returns the versions applied. */
export function migrate(client: PoolClient): Promise<number[]> {
  return applyMigrations(client, { migrations: MIGRATIONS, table: 'lablog_migrations', lock: MIGRATION_LOCK });
}
