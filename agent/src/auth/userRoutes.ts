/**
 * MLflow's basic-auth REST endpoints (mlflow/server/auth/routes.py), on a team server with users:
 * `users/{create,get,current,list,update-password,update-admin,delete}`,
 * `experiments/permissions/{create,get,update,delete}`,
 * `registered-models/permissions/{create,get,update,delete}` under /api/2.0/mlflow (and
 * /ajax-api), and MLflow 3's `users/permissions/{grant,revoke,get}` under /api/3.0/mlflow.
 * Who may call each is the route table's business (routeTable.ts), checked before these run.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authRequests as A, type PermissionName, type WireUser } from '@lablog/schema';
import { invalidParameter, MlflowError, notFound } from '../errors.js';
import type { Access } from './Access.js';
import type { Authenticator } from './Authenticator.js';
import type { AuthStore, ResourceKind, UserRecord } from './AuthStore.js';
import { userOf } from './requestUser.js';
import { hashPassword, verifyPassword } from './secrets.js';
import { allows } from './permissions.js';

/** What the user routes use. */
export interface AuthRouteDeps {
  store: AuthStore;
  access: Access;
  authenticator: Authenticator;
}

/** A user on the wire, with their explicit permissions (MLflow 2's client reads them). */
export async function wireUser(store: AuthStore, u: UserRecord): Promise<WireUser> {
  const [exps, models] = await Promise.all([store.permissionsOf('experiment', u.id), store.permissionsOf('model', u.id)]);
  return {
    id: u.id,
    username: u.username,
    is_admin: u.isAdmin,
    experiment_permissions: [...exps].map(([experiment_id, permission]) => ({ experiment_id, user_id: u.id, permission })),
    registered_model_permissions: [...models].map(([name, permission]) => ({ name, user_id: u.id, permission })),
  };
}

/** Registers the MLflow 2 user and permission endpoints (under an /api/2.0/mlflow prefix). */
export const userRoutes: FastifyPluginAsyncTypebox<AuthRouteDeps> = async (app, { store, authenticator }) => {
  app.post('/users/create', { schema: { body: A.CreateUser } }, async (req) => {
    const user = await store.createUser(req.body.username, await hashPassword(req.body.password));
    return { user: await wireUser(store, user) };
  });
  app.get('/users/get', { schema: { querystring: A.UserQuery } }, async (req) => ({ user: await wireUser(store, await store.getUser(req.query.username)) }));
  app.get('/users/current', async (req) => {
    const u = await store.getUser(userOf(req)!.username);
    return { user: { id: u.id, username: u.username, is_admin: u.isAdmin }, is_basic_auth: true };
  });
  app.patch('/users/update-password', { schema: { body: A.UpdatePassword } }, async (req) => {
    const b = req.body;
    const sender = userOf(req)!;
    // changing one's own password asks for the current one, as MLflow 3 does: a stolen session cannot take the account
    if (sender.username === b.username && !sender.isAdmin) {
      const current = await store.getUser(b.username);
      if (!b.current_password || !(await verifyPassword(b.current_password, current.passwordHash))) {
        throw invalidParameter('Current password is required when changing your own password, and must match.');
      }
    }
    await store.updateUser(b.username, { passwordHash: await hashPassword(b.password) });
    authenticator.forget();
    return {};
  });
  app.patch('/users/update-admin', { schema: { body: A.UpdateAdmin } }, async (req) => {
    await store.updateUser(req.body.username, { isAdmin: req.body.is_admin });
    authenticator.forget();
    return {};
  });
  app.delete('/users/delete', { schema: { body: A.UserQuery } }, async (req) => {
    if (req.body.username === userOf(req)!.username) throw new MlflowError('BAD_REQUEST', 'Users cannot delete their own account. Ask another admin to delete this user instead.');
    await store.deleteUser(req.body.username);
    authenticator.forget();
    return {};
  });
  app.get('/users/list', async () => ({ users: (await store.listUsers()).map((u) => ({ id: u.id, username: u.username, is_admin: u.isAdmin })) }));

  const permissionRoutes = (path: string, kind: ResourceKind, key: 'experiment_id' | 'name', reply: 'experiment_permission' | 'registered_model_permission') => {
    const wire = (resource: string, userId: number, permission: PermissionName) => ({ [key]: resource, user_id: userId, permission });
    const setSchema = kind === 'experiment' ? A.ExperimentPermissionSet : A.ModelPermissionSet;
    const refSchema = kind === 'experiment' ? A.ExperimentPermissionRef : A.ModelPermissionRef;
    const resourceOf = (x: Record<string, unknown>) => String(x[key]);
    app.post(`${path}/create`, { schema: { body: setSchema } }, async (req) => {
      const b = req.body as Record<string, string> & { username: string; permission: PermissionName };
      const user = await store.getUser(b.username);
      await store.setPermission(kind, resourceOf(b), user.id, b.permission, 'create');
      return { [reply]: wire(resourceOf(b), user.id, b.permission) };
    });
    app.get(`${path}/get`, { schema: { querystring: refSchema } }, async (req) => {
      const q = req.query as Record<string, string> & { username: string };
      const user = await store.getUser(q.username);
      const p = await store.permission(kind, resourceOf(q), user.id);
      if (p === null) {
        throw notFound(`${kind === 'experiment' ? 'Experiment' : 'Registered model'} permission with ${key}=${resourceOf(q)} and username=${q.username} not found`);
      }
      return { [reply]: wire(resourceOf(q), user.id, p) };
    });
    app.patch(`${path}/update`, { schema: { body: setSchema } }, async (req) => {
      const b = req.body as Record<string, string> & { username: string; permission: PermissionName };
      const user = await store.getUser(b.username);
      await store.setPermission(kind, resourceOf(b), user.id, b.permission, 'update');
      return {};
    });
    app.delete(`${path}/delete`, { schema: { body: refSchema } }, async (req) => {
      const b = req.body as Record<string, string> & { username: string };
      const user = await store.getUser(b.username);
      await store.deletePermission(kind, resourceOf(b), user.id, true);
      return {};
    });
  };
  permissionRoutes('/experiments/permissions', 'experiment', 'experiment_id', 'experiment_permission');
  permissionRoutes('/registered-models/permissions', 'model', 'name', 'registered_model_permission');
};

const KIND: Record<'experiment' | 'registered_model', ResourceKind> = { experiment: 'experiment', registered_model: 'model' };

/** Registers MLflow 3's unified grant endpoints (under an /api/3.0/mlflow prefix). */
export const grantRoutes: FastifyPluginAsyncTypebox<AuthRouteDeps> = async (app, { store, access }) => {
  app.post('/users/permissions/grant', { schema: { body: A.GrantPermission } }, async (req) => {
    const b = req.body;
    const user = await store.getUser(b.username);
    await store.setPermission(KIND[b.resource_type], b.resource_id, user.id, b.permission, 'upsert');
    return {};
  });
  app.post('/users/permissions/revoke', { schema: { body: A.PermissionRef } }, async (req) => {
    const b = req.body;
    const user = await store.getUser(b.username);
    await store.deletePermission(KIND[b.resource_type], b.resource_id, user.id, false);
    return {};
  });
  app.get('/users/permissions/get', { schema: { querystring: A.PermissionRef } }, async (req) => {
    const q = req.query;
    const user = await store.getUser(q.username);
    const permission = await access.permissionOn({ id: user.id, username: user.username, isAdmin: user.isAdmin }, KIND[q.resource_type], q.resource_id);
    // MLflow 3's `allowed` is its USE tier: READ alone is not enough, EDIT is
    return { allowed: allows(permission, 'update'), permission };
  });
};
