/**
 * lablog's own sign-in endpoints under /api/2.0/lablog/auth: the page signs in with a name and
 * password and gets a session cookie (HttpOnly, SameSite=Strict: scripts cannot read it, other
 * sites cannot send it); `whoami` says who is signed in; `tokens` makes a personal token for
 * scripts (shown once, kept only as a hash); `experiment-permissions` lists an experiment's
 * grants for its managers (MLflow's API gets one user's permission at a time only).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { authRequests as A, type ExperimentAccessList, type WhoAmI } from '@lablog/schema';
import type { AuthRouteDeps } from './userRoutes.js';
import { cookie, SESSION_COOKIE } from './credentials.js';
import { userOf } from './requestUser.js';
import { newSecret, secretHash } from './secrets.js';

/** How long a page session lasts. */
const SESSION_MS = 12 * 60 * 60 * 1000;

/** The session cookie; `Secure` when the browser reached the agent over HTTPS (directly or through a proxy that says so). */
function sessionCookie(value: string, maxAgeS: number, req: FastifyRequest): string {
  const https = req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https';
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${https ? '; Secure' : ''}`;
}

/** Registers the sign-in endpoints (under an /api/2.0/lablog prefix). */
export const signInRoutes: FastifyPluginAsyncTypebox<AuthRouteDeps> = async (app, { store, authenticator, access }) => {
  app.post('/auth/login', { schema: { body: A.Login } }, async (req, reply): Promise<WhoAmI> => {
    const user = await authenticator.password(req.body.username, req.body.password, req.ip);
    const id = newSecret('lls_');
    await store.addSecret(user.id, secretHash(id), 'session', 'page', Date.now() + SESSION_MS);
    reply.header('set-cookie', sessionCookie(id, SESSION_MS / 1000, req));
    return { auth: true, username: user.username, is_admin: user.isAdmin };
  });

  app.post('/auth/logout', async (req, reply) => {
    const id = cookie(req.headers.cookie, SESSION_COOKIE);
    if (id) {
      await store.deleteSecret(secretHash(id));
      authenticator.forget();
    }
    reply.header('set-cookie', sessionCookie('', 0, req));
    return {};
  });

  app.get('/auth/whoami', async (req): Promise<WhoAmI> => {
    const user = userOf(req);
    return user ? { auth: true, username: user.username, is_admin: user.isAdmin } : { auth: true };
  });

  app.post('/auth/tokens', { schema: { body: A.CreateToken } }, async (req) => {
    const user = userOf(req)!;
    const token = newSecret('llt_');
    await store.addSecret(user.id, secretHash(token), 'token', req.body.name);
    return { token };
  });

  app.get('/auth/experiment-permissions', { schema: { querystring: A.ExperimentQuery } }, async (req): Promise<ExperimentAccessList> => {
    const grants = await store.grantsOn('experiment', req.query.experiment_id);
    return { experiment_id: req.query.experiment_id, default_permission: access.defaultPermission, permissions: grants.map((g) => ({ username: g.username, permission: g.permission })) };
  });
};
