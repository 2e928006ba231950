/**
 * The auth store on PostgreSQL (the team server's database), in tables of its own migration
 * track (authMigrations). Every agent on the database sees the same users and permissions.
 */
import pg from 'pg';
import type { PermissionName } from '@lablog/schema';
import { alreadyExists, notFound } from '../../errors.js';
import type { AuthStore, Grant, ResourceKind, UserRecord } from '../AuthStore.js';
import { migrateAuth } from './authMigrations.js';

const TABLE: Record<ResourceKind, { table: string; column: string; what: string }> = {
  experiment: { table: 'auth_experiment_permissions', column: 'experiment_id', what: 'Experiment' },
  model: { table: 'auth_model_permissions', column: 'name', what: 'Registered model' },
};

/** MLflow's words for a permission that is not there. */
function noPermission(kind: ResourceKind, resource: string, userId: number) {
  const t = TABLE[kind];
  return notFound(`${t.what} permission with ${t.column}=${resource} and user_id=${userId} not found`);
}

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  is_admin: boolean;
}

function toUser(r: UserRow): UserRecord {
  return { id: r.id, username: r.username, passwordHash: r.password_hash, isAdmin: r.is_admin };
}

const UNIQUE_VIOLATION = '23505';

/** Page sessions a user keeps at once (browsers, devices); signing in again ends the oldest. */
const MAX_SESSIONS_PER_USER = 20;

/** The auth store in a PostgreSQL database. */
export class PgAuthStore implements AuthStore {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects (a small pool of its own) and applies the auth migrations. */
  static async open(uri: string): Promise<PgAuthStore> {
    const pool = new pg.Pool({ connectionString: uri, max: 4 });
    pool.on('error', () => undefined);
    try {
      const c = await pool.connect();
      try {
        await migrateAuth(c);
      } finally {
        c.release();
      }
      return new PgAuthStore(pool);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
  }

  async createUser(username: string, passwordHash: string, isAdmin = false): Promise<UserRecord> {
    try {
      const { rows } = await this.pool.query<UserRow>('INSERT INTO auth_users (username, password_hash, is_admin) VALUES ($1, $2, $3) RETURNING *', [username, passwordHash, isAdmin]);
      return toUser(rows[0]!);
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw alreadyExists(`User (name=${username}) already exists.`);
      throw err;
    }
  }

  async findUser(username: string): Promise<UserRecord | null> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM auth_users WHERE username = $1', [username]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM auth_users ORDER BY username');
    return rows.map(toUser);
  }

  async getUser(username: string): Promise<UserRecord> {
    const user = await this.findUser(username);
    if (!user) throw notFound(`User with username=${username} not found`);
    return user;
  }

  async updateUser(username: string, change: { passwordHash?: string; isAdmin?: boolean }): Promise<void> {
    const { rowCount } = await this.pool.query(
      'UPDATE auth_users SET password_hash = COALESCE($2, password_hash), is_admin = COALESCE($3, is_admin) WHERE username = $1',
      [username, change.passwordHash ?? null, change.isAdmin ?? null],
    );
    if (!rowCount) throw notFound(`User with username=${username} not found`);
    // a new password ends the user's page sessions (a stolen session dies with the old password)
    if (change.passwordHash) await this.pool.query("DELETE FROM auth_secrets WHERE kind = 'session' AND user_id = (SELECT id FROM auth_users WHERE username = $1)", [username]);
  }

  async deleteUser(username: string): Promise<void> {
    const { rowCount } = await this.pool.query('DELETE FROM auth_users WHERE username = $1', [username]);
    if (!rowCount) throw notFound(`User with username=${username} not found`);
  }

  async addSecret(userId: number, secretHash: string, kind: 'token' | 'session', name: string, expiresAt?: number): Promise<void> {
    await this.pool.query('INSERT INTO auth_secrets (secret_hash, user_id, kind, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [secretHash, userId, kind, name, Date.now(), expiresAt ?? null]);
    if (kind !== 'session') return;
    // the table stays bounded: ended sessions go, and a user keeps at most their newest few
    await this.pool.query('DELETE FROM auth_secrets WHERE kind = $1 AND expires_at <= $2', ['session', Date.now()]);
    await this.pool.query(
      `DELETE FROM auth_secrets WHERE kind = 'session' AND user_id = $1 AND secret_hash NOT IN
         (SELECT secret_hash FROM auth_secrets WHERE kind = 'session' AND user_id = $1 ORDER BY created_at DESC LIMIT $2)`,
      [userId, MAX_SESSIONS_PER_USER],
    );
  }

  async userBySecret(secretHash: string): Promise<UserRecord | null> {
    const { rows } = await this.pool.query<UserRow>(
      'SELECT u.* FROM auth_secrets s JOIN auth_users u ON u.id = s.user_id WHERE s.secret_hash = $1 AND (s.expires_at IS NULL OR s.expires_at > $2)',
      [secretHash, Date.now()],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async deleteSecret(secretHash: string): Promise<void> {
    await this.pool.query('DELETE FROM auth_secrets WHERE secret_hash = $1', [secretHash]);
  }

  async permission(kind: ResourceKind, resource: string, userId: number): Promise<PermissionName | null> {
    const t = TABLE[kind];
    const { rows } = await this.pool.query<{ permission: PermissionName }>(`SELECT permission FROM ${t.table} WHERE ${t.column} = $1 AND user_id = $2`, [resource, userId]);
    return rows[0]?.permission ?? null;
  }

  async permissionsOf(kind: ResourceKind, userId: number): Promise<Map<string, PermissionName>> {
    const t = TABLE[kind];
    const { rows } = await this.pool.query<{ resource: string; permission: PermissionName }>(`SELECT ${t.column} AS resource, permission FROM ${t.table} WHERE user_id = $1`, [userId]);
    return new Map(rows.map((r) => [r.resource, r.permission]));
  }

  async grantsOn(kind: ResourceKind, resource: string): Promise<Grant[]> {
    const t = TABLE[kind];
    const { rows } = await this.pool.query<{ user_id: number; username: string; permission: PermissionName }>(
      `SELECT p.user_id, u.username, p.permission FROM ${t.table} p JOIN auth_users u ON u.id = p.user_id WHERE p.${t.column} = $1 ORDER BY u.username`,
      [resource],
    );
    return rows.map((r) => ({ resource, userId: r.user_id, username: r.username, permission: r.permission }));
  }

  async setPermission(kind: ResourceKind, resource: string, userId: number, permission: PermissionName, mode: 'create' | 'update' | 'upsert'): Promise<void> {
    const t = TABLE[kind];
    if (mode === 'update') {
      const { rowCount } = await this.pool.query(`UPDATE ${t.table} SET permission = $3 WHERE ${t.column} = $1 AND user_id = $2`, [resource, userId, permission]);
      if (!rowCount) throw noPermission(kind, resource, userId);
      return;
    }
    const conflict = mode === 'upsert' ? `ON CONFLICT (${t.column}, user_id) DO UPDATE SET permission = EXCLUDED.permission` : '';
    try {
      await this.pool.query(`INSERT INTO ${t.table} (${t.column}, user_id, permission) VALUES ($1, $2, $3) ${conflict}`, [resource, userId, permission]);
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw alreadyExists(`${t.what} permission (${t.column}=${resource}, user_id=${userId}) already exists.`);
      throw err;
    }
  }

  async deletePermission(kind: ResourceKind, resource: string, userId: number, strict: boolean): Promise<void> {
    const t = TABLE[kind];
    const { rowCount } = await this.pool.query(`DELETE FROM ${t.table} WHERE ${t.column} = $1 AND user_id = $2`, [resource, userId]);
    if (strict && !rowCount) throw noPermission(kind, resource, userId);
  }

  async forgetResource(kind: ResourceKind, resource: string): Promise<void> {
    const t = TABLE[kind];
    await this.pool.query(`DELETE FROM ${t.table} WHERE ${t.column} = $1`, [resource]);
  }

  async claimSession(session: string, userId: number): Promise<number> {
    // the first claim wins, also when two agents see the session's first request at once
    await this.pool.query('INSERT INTO auth_session_owners (session, user_id) VALUES ($1, $2) ON CONFLICT (session) DO NOTHING', [session, userId]);
    const { rows } = await this.pool.query<{ user_id: number }>('SELECT user_id FROM auth_session_owners WHERE session = $1', [session]);
    return rows[0]!.user_id;
  }

  async renameResource(kind: ResourceKind, from: string, to: string): Promise<void> {
    const t = TABLE[kind];
    await this.pool.query(`UPDATE ${t.table} SET ${t.column} = $2 WHERE ${t.column} = $1`, [from, to]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
