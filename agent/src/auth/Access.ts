/**
 * What a user may do with an experiment or a registered model, MLflow's way: an admin may do
 * anything; otherwise the user's explicit permission on the resource, or the server's default
 * (READ unless configured). A run's permission is its experiment's; so is a logged model's.
 */
import type { PermissionName } from '@lablog/schema';
import { MlflowError } from '../errors.js';
import type { AuthStore, ResourceKind } from './AuthStore.js';
import type { Principal } from './Authenticator.js';
import { allows, type Need } from './permissions.js';
import type { Check } from './routeRules.js';

/** How resources named indirectly are found; each answers null for one that does not exist. */
export interface ResourceLookup {
  experimentOfRun(runId: string): Promise<string | null>;
  experimentIdByName(name: string): Promise<string | null>;
  experimentOfLoggedModel(modelId: string): Promise<string | null>;
}

/** 403 in MLflow's words. */
export function permissionDenied(message = 'Permission denied'): MlflowError {
  return new MlflowError('PERMISSION_DENIED', message);
}

/** Permission decisions for one server. */
export class Access {
  /**
   * @param defaultPermission what a user without an explicit permission has (MLflow's default_permission; READ)
   */
  constructor(
    private readonly store: AuthStore,
    private readonly lookup: ResourceLookup,
    readonly defaultPermission: PermissionName,
  ) {}

  /** `user`'s effective permission on a resource. */
  async permissionOn(user: Principal, kind: ResourceKind, resource: string): Promise<PermissionName> {
    if (user.isAdmin) return 'MANAGE';
    return (await this.store.permission(kind, resource, user.id)) ?? this.defaultPermission;
  }

  /**
   * Checks every resource a request names.
   * A resource that does not exist passes: the route answers its 404 (as MLflow's handlers do).
   * @throws PERMISSION_DENIED when one is not allowed
   */
  async check(user: Principal, checks: readonly Check[]): Promise<void> {
    if (user.isAdmin) return;
    for (const c of checks) {
      if (c.on === 'admin') throw permissionDenied('Permission denied: only an admin may do this.');
      const target = await this.resolve(c);
      if (!target) continue;
      const p = await this.permissionOn(user, target.kind, target.id);
      if (!allows(p, c.need)) throw permissionDenied(`Permission denied: ${needWords(c.need)} ${target.kind === 'experiment' ? `experiment ${target.id}` : `registered model '${target.id}'`} needs ${NEED_LEVEL[c.need]}; ${user.username} has ${p}.`);
    }
  }

  /** A test of which resources of a kind `user` may read, read once (for filtering search answers and live events). */
  async readable(user: Principal, kind: ResourceKind): Promise<(resource: string) => boolean> {
    if (user.isAdmin) return () => true;
    const explicit = await this.store.permissionsOf(kind, user.id);
    const byDefault = allows(this.defaultPermission, 'read');
    return (resource) => {
      const p = explicit.get(resource);
      return p === undefined ? byDefault : allows(p, 'read');
    };
  }

  private async resolve(c: Exclude<Check, { on: 'admin' }>): Promise<{ kind: ResourceKind; id: string } | null> {
    switch (c.on) {
      case 'experiment':
        return { kind: 'experiment', id: c.id };
      case 'model':
        return { kind: 'model', id: c.name };
      case 'experimentName': {
        const id = await this.lookup.experimentIdByName(c.name);
        return id === null ? null : { kind: 'experiment', id };
      }
      case 'run': {
        const id = await this.lookup.experimentOfRun(c.id);
        return id === null ? null : { kind: 'experiment', id };
      }
      case 'loggedModel': {
        const id = await this.lookup.experimentOfLoggedModel(c.id);
        return id === null ? null : { kind: 'experiment', id };
      }
    }
  }
}

const NEED_LEVEL: Record<Need, string> = { read: 'READ', update: 'EDIT', delete: 'MANAGE', manage: 'MANAGE' };

function needWords(need: Need): string {
  return { read: 'reading', update: 'changing', delete: 'deleting', manage: 'managing' }[need];
}
