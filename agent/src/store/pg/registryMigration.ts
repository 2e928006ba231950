/**
 * The PostgreSQL schema of the model registry and MLflow 3 logged models (migration 2, appended
 * to `MIGRATIONS`). The rules that read existing state lean on it: a model name is unique, a
 * version number is unique per model (the model's row is locked while the next number is taken),
 * an alias names one version of its model and goes when that version goes, deleting a model
 * deletes its versions and aliases — all by constraints, whichever agent writes.
 */

/** Migration 2: registered models, versions, aliases, logged models. */
export const REGISTRY_MIGRATION = {
  version: 2,
  what: 'model registry (registered models, versions, aliases) and MLflow 3 logged models',
  sql: `
    CREATE TABLE registered_models (
      mid bigserial PRIMARY KEY,
      name text NOT NULL UNIQUE,
      creation_timestamp bigint NOT NULL,
      last_updated_timestamp bigint NOT NULL,
      user_id text NOT NULL,
      description text NOT NULL,
      tags jsonb NOT NULL DEFAULT '{}',
      -- never decreases: a deleted version's number is not given out again
      next_version int NOT NULL DEFAULT 1
    );

    CREATE TABLE model_versions (
      mid bigint NOT NULL REFERENCES registered_models ON DELETE CASCADE,
      version int NOT NULL,
      creation_timestamp bigint NOT NULL,
      last_updated_timestamp bigint NOT NULL,
      user_id text NOT NULL,
      current_stage text NOT NULL,
      description text NOT NULL,
      source text NOT NULL,
      run_id text NOT NULL,
      run_link text NOT NULL,
      status text NOT NULL,
      status_message text NOT NULL,
      tags jsonb NOT NULL DEFAULT '{}',
      PRIMARY KEY (mid, version)
    );

    -- one version per alias; the order aliases were first set in is kept (ord)
    CREATE TABLE model_aliases (
      mid bigint NOT NULL,
      alias text NOT NULL,
      version int NOT NULL,
      ord bigserial,
      PRIMARY KEY (mid, alias),
      FOREIGN KEY (mid, version) REFERENCES model_versions ON DELETE CASCADE
    );

    CREATE TABLE logged_models (
      model_id text PRIMARY KEY,
      experiment_id text NOT NULL REFERENCES experiments,
      name text NOT NULL,
      creation_timestamp_ms bigint NOT NULL,
      last_updated_timestamp_ms bigint NOT NULL,
      artifact_uri text NOT NULL,
      status text NOT NULL,
      model_type text NOT NULL,
      source_run_id text NOT NULL,
      status_message text NOT NULL,
      lifecycle_stage text NOT NULL,
      params jsonb NOT NULL DEFAULT '{}',
      tags jsonb NOT NULL DEFAULT '{}',
      -- the latest value per key and dataset; values as MLflow's wire doubles ("NaN" as a string)
      metrics jsonb NOT NULL DEFAULT '[]'
    );
    CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id);
  `,
} as const;
