/**
 * MLflow's permission levels and what each allows (mlflow/server/auth/permissions.py):
 * READ reads, EDIT also changes, MANAGE also deletes and grants, NO_PERMISSIONS nothing.
 */
import type { PermissionName } from '@lablog/schema';

/** What a route asks of a resource, weakest first. */
export type Need = 'read' | 'update' | 'delete' | 'manage';

const ALLOWS: Record<PermissionName, ReadonlySet<Need>> = {
  READ: new Set(['read']),
  EDIT: new Set(['read', 'update']),
  MANAGE: new Set(['read', 'update', 'delete', 'manage']),
  NO_PERMISSIONS: new Set(),
};

/** True when `permission` allows `need`. */
export function allows(permission: PermissionName, need: Need): boolean {
  return ALLOWS[permission].has(need);
}

/** Every level, as MLflow lists them. */
export const PERMISSION_NAMES: readonly PermissionName[] = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'];

/** True for a level name (case as MLflow writes it). */
export function isPermissionName(s: string): s is PermissionName {
  return (PERMISSION_NAMES as readonly string[]).includes(s);
}
