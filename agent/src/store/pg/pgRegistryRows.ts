/**
 * Rows of the PostgreSQL registry tables as the registry's records (the same records the file
 * engine hands out: a model with its versions, in version order, and its aliases), read in three
 * queries whatever the number of models.
 */
import type pg from 'pg';
import type { ModelVersionStage, ModelVersionStatus } from '@lablog/schema';
import type { ModelVersionRecord, RegisteredModelRecord } from '../../registry/registryRecords.js';
import { setKey } from '../keyedRecord.js';

/** A row of `registered_models`. */
export interface ModelRow {
  mid: number;
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  description: string;
  tags: Record<string, string>;
  next_version: number;
}

/** A row of `model_versions`. */
interface VersionRow extends Omit<ModelVersionRecord, 'current_stage' | 'status'> {
  mid: number;
  current_stage: ModelVersionStage;
  status: ModelVersionStatus;
}

/** A row of `model_aliases`. */
interface AliasRow {
  mid: number;
  alias: string;
  version: number;
}

/** Models as records, in the rows' order, with their versions and aliases. */
export async function modelRecords(q: pg.Pool | pg.PoolClient, rows: readonly ModelRow[]): Promise<RegisteredModelRecord[]> {
  if (rows.length === 0) return [];
  const mids = rows.map((r) => r.mid);
  const [{ rows: versions }, { rows: aliases }] = [
    await q.query<VersionRow>('SELECT * FROM model_versions WHERE mid = ANY($1::int8[]) ORDER BY mid, version', [mids]),
    await q.query<AliasRow>('SELECT mid, alias, version FROM model_aliases WHERE mid = ANY($1::int8[]) ORDER BY ord', [mids]),
  ];
  const byMid = new Map<number, RegisteredModelRecord>();
  const out = rows.map((r) => {
    const m: RegisteredModelRecord = {
      name: r.name,
      creation_timestamp: r.creation_timestamp,
      last_updated_timestamp: r.last_updated_timestamp,
      user_id: r.user_id,
      description: r.description,
      tags: r.tags,
      aliases: {},
      next_version: r.next_version,
      versions: [],
    };
    byMid.set(r.mid, m);
    return m;
  });
  for (const { mid, ...v } of versions) byMid.get(mid)?.versions.push(v);
  for (const a of aliases) {
    const m = byMid.get(a.mid);
    if (m) setKey(m.aliases, a.alias, a.version);
  }
  return out;
}

/** The model named `name` as a record, or null. */
export async function modelByName(q: pg.Pool | pg.PoolClient, name: string): Promise<RegisteredModelRecord | null> {
  const { rows } = await q.query<ModelRow>('SELECT * FROM registered_models WHERE name = $1', [name]);
  return rows.length === 0 ? null : (await modelRecords(q, rows))[0]!;
}

/** The model with row id `mid` as a record (it exists: the caller holds its row lock). */
export async function modelByMid(c: pg.PoolClient, mid: number): Promise<RegisteredModelRecord> {
  const { rows } = await c.query<ModelRow>('SELECT * FROM registered_models WHERE mid = $1', [mid]);
  return (await modelRecords(c, rows))[0]!;
}

/**
 * Runs `read` in a read-only transaction of one snapshot, so that a model, its versions and its
 * aliases, read in several queries, agree with each other.
 */
export async function readSnapshot<T>(pool: pg.Pool, read: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await read(c);
    await c.query('COMMIT');
    return result;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
