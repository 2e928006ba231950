/**
 * Team servers from before the registry moved into the database kept it — registered models,
 * versions, aliases — and MLflow 3's logged models in the agent's `--files` folder
 * (`meta/registry.json`, `models/<id>/model.json`). Started on the database now, the agent would
 * show none of them: so on start, what such a folder holds is moved into the database, in one
 * transaction, and the folder records that it was (`meta/models-moved.json`, with the database's
 * id: the same folder on another database moves again). A model whose name the database already
 * has, or a logged model whose id it has or whose experiment it lacks, stays behind and is named
 * in the summary. The folder's files are left as they are; a logged model's artifacts are where
 * they were (`models/<id>/artifacts/` of the same artifact area).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { toWireDouble } from '@lablog/schema';
import type { LoggedModelDoc } from '../../loggedModels/loggedModelRecords.js';
import type { RegisteredModelRecord } from '../../registry/registryRecords.js';
import { writeFileDurably } from '../durableWrite.js';

/** What a move did. */
export interface FolderModelsMoved {
  models: number;
  versions: number;
  loggedModels: number;
  /** What stayed in the folder, one line each. */
  left: string[];
}

/** What the folder holds. */
export interface FolderModels {
  /** The folder (the marker goes into its `meta/`). */
  dir: string;
  models: readonly RegisteredModelRecord[];
  loggedModels: readonly LoggedModelDoc[];
}

const MARKER = join('meta', 'models-moved.json');

async function movedTo(dir: string): Promise<string | null> {
  try {
    return (JSON.parse(await readFile(join(dir, MARKER), 'utf8')) as { database_id?: string }).database_id ?? null;
  } catch {
    return null;
  }
}

async function moveModel(c: pg.PoolClient, m: RegisteredModelRecord, sum: FolderModelsMoved): Promise<void> {
  const inserted = await c.query<{ mid: number }>(
    `INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, user_id, description, tags, next_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING RETURNING mid`,
    [m.name, m.creation_timestamp, m.last_updated_timestamp, m.user_id, m.description, JSON.stringify(m.tags), m.next_version],
  );
  if (inserted.rows.length === 0) {
    sum.left.push(`registered model ${m.name}: the database has a model of that name`);
    return;
  }
  const mid = inserted.rows[0]!.mid;
  for (const v of m.versions) {
    await c.query(
      `INSERT INTO model_versions (mid, version, creation_timestamp, last_updated_timestamp, user_id, current_stage, description, source, run_id, run_link, status, status_message, tags)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [mid, v.version, v.creation_timestamp, v.last_updated_timestamp, v.user_id, v.current_stage, v.description, v.source, v.run_id, v.run_link, v.status, v.status_message, JSON.stringify(v.tags)],
    );
    sum.versions++;
  }
  // in the order they were set, as the file registry keeps them
  for (const [alias, version] of Object.entries(m.aliases)) await c.query('INSERT INTO model_aliases (mid, alias, version) VALUES ($1, $2, $3)', [mid, alias, version]);
  sum.models++;
}

async function moveLoggedModel(c: pg.PoolClient, doc: LoggedModelDoc, sum: FolderModelsMoved): Promise<void> {
  const i = doc.info;
  const metrics = (doc.metrics ?? []).map((m) => ({ ...m, value: toWireDouble(m.value) }));
  const inserted = await c.query(
    `INSERT INTO logged_models (model_id, experiment_id, name, creation_timestamp_ms, last_updated_timestamp_ms, artifact_uri, status, model_type, source_run_id, status_message, lifecycle_stage, params, tags, metrics)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 WHERE EXISTS (SELECT 1 FROM experiments WHERE experiment_id = $2)
     ON CONFLICT (model_id) DO NOTHING`,
    [i.model_id, i.experiment_id, i.name, i.creation_timestamp_ms, i.last_updated_timestamp_ms, i.artifact_uri, i.status, i.model_type, i.source_run_id, i.status_message, i.lifecycle_stage, JSON.stringify(doc.params), JSON.stringify(doc.tags), JSON.stringify(metrics)],
  );
  if (inserted.rowCount === 1) sum.loggedModels++;
  else sum.left.push(`logged model ${i.model_id} (${i.name}): the database has it already, or lacks its experiment ${i.experiment_id}`);
}

/**
 * Moves the folder's registry and logged models into the database once; null when there was
 * nothing to move or it was moved before.
 */
export async function moveFolderModels(pool: pg.Pool, folder: FolderModels): Promise<FolderModelsMoved | null> {
  if (folder.models.length === 0 && folder.loggedModels.length === 0) return null;
  const { rows } = await pool.query<{ value: string }>("SELECT value FROM lablog_meta WHERE key = 'database_id'");
  const databaseId = rows[0]!.value;
  if ((await movedTo(folder.dir)) === databaseId) return null;
  const sum: FolderModelsMoved = { models: 0, versions: 0, loggedModels: 0, left: [] };
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    // logged models first: a version may name one
    for (const doc of folder.loggedModels) await moveLoggedModel(c, doc, sum);
    for (const m of folder.models) await moveModel(c, m, sum);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
  // a crash before this line moves again next start: every model is then found there, and stays
  await writeFileDurably(join(folder.dir, MARKER), `${JSON.stringify({ database_id: databaseId, at: new Date().toISOString(), ...sum })}\n`);
  return sum;
}
