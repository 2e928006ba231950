/**
 * Every request on a team server with users passes here:
 * - onRequest: who is it (Authenticator); wrong credentials are a 401 at once;
 * - preHandler (after the body is parsed and validated): the route table's rule for the route
 *   (routeTable), a 401 with `WWW-Authenticate: Basic` for an anonymous request that needs a
 *   user, a 403 PERMISSION_DENIED for a user without the permission; a new run's `user_id` (and
 *   its `mlflow.user` tag) become the signed-in user's name, whatever the client claimed; a
 *   notebook session's endpoints are its owner's (the first user to use it);
 * - onSend: MLflow's after-request handlers — the creator of an experiment or registered model
 *   gets MANAGE on it, a deleted model's grants go, a renamed one's follow it, and search answers
 *   keep only what the user may read (experiments refilled to a full page: experimentRefill).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Access } from './Access.js';
import { permissionDenied } from './Access.js';
import { unauthenticated, type Authenticator, type Principal } from './Authenticator.js';
import type { AuthStore } from './AuthStore.js';
import { readableExperiments, type ExperimentPager } from './experimentRefill.js';
import { param, type RequestParts } from './routeRules.js';
import { hasRule, routeKey, ruleOf } from './routeTable.js';
import { setUserOf, userOf } from './requestUser.js';

/** The challenge MLflow's basic-auth app sends with a 401. */
const CHALLENGE = 'Basic realm="mlflow"';

function partsOf(req: FastifyRequest): RequestParts {
  const obj = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  return { method: req.method, query: obj(req.query), body: obj(req.body), params: obj(req.params) as Record<string, string> };
}

/** A new run is the signed-in user's: MLflow's client sends `user_id` and the `mlflow.user` tag from the OS user. */
function ownRun(req: FastifyRequest, user: Principal): void {
  const body = req.body as { user_id?: string; tags?: Array<{ key: string; value: string }> } | undefined;
  if (!body) return;
  body.user_id = user.username;
  if (Array.isArray(body.tags)) for (const t of body.tags) if (t.key === 'mlflow.user') t.value = user.username;
}

/**
 * Installs the hooks on `app` (before any route is registered).
 * @param unmapped filled with the routes registered afterwards that the table has no entry for (admins only)
 */
export function installAuthHooks(app: FastifyInstance, authenticator: Authenticator, access: Access, store: AuthStore, experiments: ExperimentPager, unmapped: string[] = []): void {
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'OPTIONS' && !hasRule(method, route.url)) unmapped.push(`${method} ${route.url}`);
  });

  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'OPTIONS') return;
    try {
      const user = await authenticator.authenticate(req.headers, req.ip);
      if (user) setUserOf(req, user);
    } catch (err) {
      reply.header('www-authenticate', CHALLENGE);
      throw err;
    }
  });

  app.addHook('preHandler', async (req, reply) => {
    const url = req.routeOptions.url;
    if (url === undefined || req.method === 'OPTIONS') return; // no route: a 404 tells nothing
    const rule = ruleOf(req.method, url);
    if (rule.who === 'anyone') return;
    const user = userOf(req);
    if (!user) {
      reply.header('www-authenticate', CHALLENGE);
      throw unauthenticated();
    }
    if (rule.who === 'admin' && !user.isAdmin) throw permissionDenied('Permission denied: only an admin may do this.');
    if (rule.who === 'self' && !user.isAdmin && param(partsOf(req), 'username') !== user.username) throw permissionDenied('Permission denied: only the user themself or an admin may do this.');
    if (rule.who === 'resource') await access.check(user, rule.checks(partsOf(req)));
    // a notebook session (its own endpoints, and the MLflow API under its /nb/<session> prefix,
    // which tags runs with its notebook and snapshots) is the user's who first used it
    const session = (req.params as { session?: unknown }).session;
    if (typeof session === 'string' && !user.isAdmin && (await store.claimSession(session, user.id)) !== user.id) {
      throw permissionDenied("Permission denied: this notebook session is another user's.");
    }
    const key = routeKey(req.method, url);
    if (key === 'POST mlflow/runs/create' || key === 'POST mlflow/runs/create-promptlab-run') ownRun(req, user);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const url = req.routeOptions.url;
    const user = userOf(req);
    if (url === undefined || !user || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    return afterRequest(routeKey(req.method, url), req, payload, user, { access, store, experiments });
  });
}

/** MLflow's AFTER_REQUEST_HANDLERS, for lablog's routes. Returns the payload to send. */
async function afterRequest(key: string, req: FastifyRequest, payload: string, user: Principal, deps: { access: Access; store: AuthStore; experiments: ExperimentPager }): Promise<string> {
  const { access, store } = deps;
  const body = (req.body ?? {}) as Record<string, unknown>;
  switch (key) {
    case 'POST mlflow/experiments/create': {
      const id = (JSON.parse(payload) as { experiment_id?: string }).experiment_id;
      if (id) await store.setPermission('experiment', id, user.id, 'MANAGE', 'upsert');
      return payload;
    }
    case 'POST mlflow/registered-models/create':
      await store.setPermission('model', String(body.name), user.id, 'MANAGE', 'upsert');
      return payload;
    case 'DELETE mlflow/registered-models/delete':
      await store.forgetResource('model', String(body.name));
      return payload;
    case 'POST mlflow/registered-models/rename':
      await store.renameResource('model', String(body.name), String(body.new_name));
      return payload;
    case 'GET mlflow/experiments/search':
    case 'POST mlflow/experiments/search': {
      if (user.isAdmin) return payload;
      const request = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown>;
      return JSON.stringify(await readableExperiments(JSON.parse(payload) as object, request ?? {}, await access.readable(user, 'experiment'), deps.experiments));
    }
    case 'GET mlflow/registered-models/search':
      return filtered(payload, 'registered_models', (m) => String(m.name), await access.readable(user, 'model'));
    case 'GET mlflow/model-versions/search':
      return filtered(payload, 'model_versions', (v) => String(v.name), await access.readable(user, 'model'));
    default:
      return payload;
  }
}

/**
 * A registry search answer without what the user may not read. Like MLflow's, a page may come
 * back shorter than asked, with its next page token.
 */
function filtered(payload: string, field: string, idOf: (item: Record<string, unknown>) => string, readable: (id: string) => boolean): string {
  const answer = JSON.parse(payload) as Record<string, unknown>;
  const items = answer[field];
  if (!Array.isArray(items)) return payload;
  answer[field] = items.filter((i) => readable(idOf(i as Record<string, unknown>)));
  return JSON.stringify(answer);
}
