/**
 * The auth store: users (password hashes), personal tokens and page sessions (hashes of the
 * secrets), and per-user permissions on experiments and registered models. An interface, so
 * the rules above it (authenticate, the route table) never know where it keeps them; the team
 * server's implementation is PgAuthStore.
 */
import type { PermissionName } from '@lablog/schema';

/** A user as the store keeps it. */
export interface UserRecord {
  id: number;
  username: string;
  isAdmin: boolean;
  passwordHash: string;
}

/** One user's permission on one resource. */
export interface Grant {
  resource: string;
  userId: number;
  username: string;
  permission: PermissionName;
}

/** The resource kinds permissions are kept for. */
export type ResourceKind = 'experiment' | 'model';

/** The auth store. */
export interface AuthStore {
  /** @throws RESOURCE_ALREADY_EXISTS when the name is taken */
  createUser(username: string, passwordHash: string, isAdmin?: boolean): Promise<UserRecord>;
  /** The user, or null. */
  findUser(username: string): Promise<UserRecord | null>;
  /** Every user, by name. */
  listUsers(): Promise<UserRecord[]>;
  /** @throws RESOURCE_DOES_NOT_EXIST */
  getUser(username: string): Promise<UserRecord>;
  /** @throws RESOURCE_DOES_NOT_EXIST */
  updateUser(username: string, change: { passwordHash?: string; isAdmin?: boolean }): Promise<void>;
  /** @throws RESOURCE_DOES_NOT_EXIST */
  deleteUser(username: string): Promise<void>;

  /** Stores a token's or session's hash for `userId`; `expiresAt` (ms) for sessions. */
  addSecret(userId: number, secretHash: string, kind: 'token' | 'session', name: string, expiresAt?: number): Promise<void>;
  /** The user a secret belongs to (unexpired), or null. */
  userBySecret(secretHash: string): Promise<UserRecord | null>;
  /** Forgets a secret (sign out). */
  deleteSecret(secretHash: string): Promise<void>;

  /** `username`'s explicit permission on a resource, or null (the default applies). */
  permission(kind: ResourceKind, resource: string, userId: number): Promise<PermissionName | null>;
  /** Every explicit permission of a user, by resource. */
  permissionsOf(kind: ResourceKind, userId: number): Promise<Map<string, PermissionName>>;
  /** Every explicit permission on a resource. */
  grantsOn(kind: ResourceKind, resource: string): Promise<Grant[]>;
  /**
   * Sets a permission. `mode` create refuses an existing one (RESOURCE_ALREADY_EXISTS), update a
   * missing one (RESOURCE_DOES_NOT_EXIST), upsert takes either.
   */
  setPermission(kind: ResourceKind, resource: string, userId: number, permission: PermissionName, mode: 'create' | 'update' | 'upsert'): Promise<void>;
  /** Removes a permission; `strict` throws RESOURCE_DOES_NOT_EXIST when there is none. */
  deletePermission(kind: ResourceKind, resource: string, userId: number, strict: boolean): Promise<void>;
  /** Removes every permission on a resource (a deleted registered model). */
  forgetResource(kind: ResourceKind, resource: string): Promise<void>;
  /** Renames a resource's permissions (a renamed registered model keeps its grants). */
  renameResource(kind: ResourceKind, from: string, to: string): Promise<void>;

  /**
   * The owner of a notebook session: the user who first used it, who owns it from then on (the
   * session's endpoints write snapshots and cell outputs into its runs).
   * @returns the owner's id
   */
  claimSession(session: string, userId: number): Promise<number>;

  close(): Promise<void>;
}
