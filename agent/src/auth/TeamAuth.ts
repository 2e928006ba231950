/**
 * Users and permissions on a team server (`lablog serve --store postgresql://… --auth`): opens the
 * auth store, makes the first admin, and puts authentication and the permission checks in front
 * of every REST route and `/ws` upgrade. Without `--auth` none of this exists and the agent
 * behaves as before (a local agent never asks anyone to sign in).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { PermissionName } from '@lablog/schema';
import { MlflowError } from '../errors.js';
import type { LiveAccess } from '../live/LiveAccess.js';
import { Access, type ResourceLookup } from './Access.js';
import { Authenticator, unauthenticated } from './Authenticator.js';
import type { AuthStore } from './AuthStore.js';
import { installAuthHooks } from './authHooks.js';
import type { ExperimentPager } from './experimentRefill.js';
import { LiveViewer } from './LiveViewer.js';
import { PgAuthStore } from './pg/PgAuthStore.js';
import { hashPassword } from './secrets.js';
import { signInRoutes } from './signInRoutes.js';
import { THROTTLE_DEFAULTS, Throttle, type ThrottleOptions } from './Throttle.js';
import { grantRoutes, userRoutes } from './userRoutes.js';

/** Options of users and permissions. */
export interface AuthOptions {
  /** The first admin's name, created when absent (with `adminPassword`). Default `admin`. */
  adminUser?: string | undefined;
  /** The first admin's password (CLI: env LABLOG_ADMIN_PASSWORD, never a flag). Needed while the database has no admin. */
  adminPassword?: string | undefined;
  /** What users have on resources they hold no explicit permission on (MLflow's default_permission). Default READ. */
  defaultPermission?: PermissionName | undefined;
  /** Password-guessing slowdown; defaults in THROTTLE_DEFAULTS. */
  throttle?: Partial<ThrottleOptions> | undefined;
}

/** Users and permissions, ready to guard an agent. */
export interface TeamAuth {
  readonly store: AuthStore;
  readonly access: Access;
  readonly authenticator: Authenticator;
  /** Routes registered after the hooks that the route table does not know (served to admins only). */
  readonly unmappedRoutes: readonly string[];
  /** Installs the authentication and permission hooks on `app` (before its routes are registered). */
  installHooks(app: FastifyInstance): void;
  /** Registers the user, permission and sign-in endpoints. */
  registerRoutes(app: FastifyInstance): Promise<void>;
  /** The live channel's sign-in: an upgrade's user, as its permissions. @throws UNAUTHENTICATED */
  liveSignIn(headers: IncomingHttpHeaders, address: string | undefined): Promise<LiveAccess>;
  close(): Promise<void>;
}

/**
 * Opens users and permissions on the team server's database.
 * @param stores how permission checks find experiments behind runs and names, and how a filtered experiments/search reads more pages
 * @throws INVALID_STATE when the database has no admin and no admin password is given
 */
export async function openTeamAuth(databaseUri: string, stores: { lookup: ResourceLookup; experiments: ExperimentPager }, opts: AuthOptions): Promise<TeamAuth> {
  const { lookup } = stores;
  const store = await PgAuthStore.open(databaseUri);
  try {
    await ensureAdmin(store, opts.adminUser ?? 'admin', opts.adminPassword);
  } catch (err) {
    await store.close();
    throw err;
  }
  const authenticator = new Authenticator(store, new Throttle({ ...THROTTLE_DEFAULTS, ...opts.throttle }));
  const access = new Access(store, lookup, opts.defaultPermission ?? 'READ');
  const deps = { store, access, authenticator };
  const unmappedRoutes: string[] = [];
  return {
    store,
    access,
    authenticator,
    unmappedRoutes,
    installHooks: (app) => installAuthHooks(app, authenticator, access, store, stores.experiments, unmappedRoutes),
    async registerRoutes(app) {
      for (const prefix of ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow']) await app.register(userRoutes, { ...deps, prefix });
      for (const prefix of ['/api/3.0/mlflow', '/ajax-api/3.0/mlflow']) await app.register(grantRoutes, { ...deps, prefix });
      for (const prefix of ['/api/2.0/lablog', '/ajax-api/2.0/lablog']) await app.register(signInRoutes, { ...deps, prefix });
    },
    async liveSignIn(headers, address) {
      const user = await authenticator.authenticate(headers, address);
      if (!user) throw unauthenticated('The live channel needs a signed-in user: send Basic or Bearer credentials, or sign in on the page.');
      return LiveViewer.open(user, access);
    },
    close: () => store.close(),
  };
}

async function ensureAdmin(store: AuthStore, username: string, password: string | undefined): Promise<void> {
  const existing = await store.findUser(username);
  if (existing) {
    if (!existing.isAdmin) await store.updateUser(username, { isAdmin: true });
    return;
  }
  if (!password) {
    const anyAdmin = (await store.listUsers()).some((u) => u.isAdmin);
    if (anyAdmin) return;
    throw new MlflowError('INVALID_STATE', `Users are on (--auth) but the database has no admin yet: give the first admin's password in LABLOG_ADMIN_PASSWORD (name: --admin-user, default 'admin').`);
  }
  await store.createUser(username, await hashPassword(password), true);
}

/** On an agent without users, `whoami` says so: the page then shows no sign-in. */
export function registerNoAuthRoutes(app: FastifyInstance): void {
  for (const prefix of ['/api/2.0/lablog', '/ajax-api/2.0/lablog']) app.get(`${prefix}/auth/whoami`, async () => ({ auth: false }));
}
