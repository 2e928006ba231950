/**
 * The one table of what every route needs on a team server with users — MLflow's
 * BEFORE_REQUEST_HANDLERS (mlflow/server/auth/__init__.py) for lablog's routes. Keys are
 * `METHOD family/path`, the family being the route's API prefix with the notebook-session prefix
 * removed: `mlflow` (/api/2.0/mlflow, /ajax-api/2.0/mlflow), `mlflow3` (…/3.0/mlflow),
 * `artifacts` (…/mlflow-artifacts), `lablog` (…/2.0/lablog), or `` for the root.
 *
 * A route missing from the table is refused to everyone but admins (deny by default);
 * test/auth/routeTable.test.ts checks that every route the agent registers has an entry.
 */
import { isPagePath } from '../http/page.js';
import { ADMIN, ANYONE, artifactPath, experiment, experimentByName, experiments, grantTarget, loggedModel, model, run, runs, SELF, SESSION_OWNER, USER, type Rule } from './routeRules.js';

/** Route prefixes and the family each one is. */
const FAMILIES: ReadonlyArray<[prefix: string, family: string]> = [
  ['/api/2.0/mlflow-artifacts', 'artifacts'],
  ['/ajax-api/2.0/mlflow-artifacts', 'artifacts'],
  ['/api/2.0/mlflow', 'mlflow'],
  ['/ajax-api/2.0/mlflow', 'mlflow'],
  ['/api/3.0/mlflow', 'mlflow3'],
  ['/ajax-api/3.0/mlflow', 'mlflow3'],
  ['/api/2.0/lablog', 'lablog'],
  ['/ajax-api/2.0/lablog', 'lablog'],
];

/** The table key of a route: `GET mlflow/runs/get`. HEAD is GET's. */
export function routeKey(method: string, url: string): string {
  const path = url.replace(/^\/nb\/:[^/]+/, '');
  const m = method === 'HEAD' ? 'GET' : method;
  for (const [prefix, family] of FAMILIES) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return `${m} ${family}${path.slice(prefix.length)}`;
  }
  return `${m} ${path}`;
}

const table: Record<string, Rule> = {
  // ---- the page's files, health, version: no data
  'GET /': ANYONE,
  'GET /health': ANYONE,
  'GET /version': ANYONE,
  'GET mlflow3/server-info': ANYONE, // what the server supports, as MLflow 3's client asks before signing in

  // ---- experiments
  'POST mlflow/experiments/create': USER, // the creator gets MANAGE (authHooks)
  'GET mlflow/experiments/get': experiment('read'),
  'GET mlflow/experiments/get-by-name': experimentByName('read'),
  'POST mlflow/experiments/delete': experiment('delete'),
  'POST mlflow/experiments/restore': experiment('delete'),
  'POST mlflow/experiments/update': experiment('update'),
  'POST mlflow/experiments/set-experiment-tag': experiment('update'),
  'POST mlflow/experiments/delete-experiment-tag': experiment('update'),
  'GET mlflow/experiments/search': USER, // answers filtered to readable experiments (authHooks)
  'POST mlflow/experiments/search': USER,
  'POST mlflow/experiments/search-datasets': experiments('read'),

  // ---- runs: a run's permission is its experiment's
  'POST mlflow/runs/create': experiment('update', 'experiment_id', '0'), // user_id := the signed-in user (authHooks)
  'POST mlflow/runs/create-promptlab-run': experiment('update', 'experiment_id', '0'),
  'GET mlflow/runs/get': run('read'),
  'POST mlflow/runs/update': run('update'),
  'POST mlflow/runs/delete': run('delete'),
  'POST mlflow/runs/restore': run('delete'),
  'POST mlflow/runs/log-metric': run('update'),
  'POST mlflow/runs/log-batch': run('update'),
  'POST mlflow/runs/log-model': run('update'),
  'POST mlflow/runs/log-parameter': run('update'),
  'POST mlflow/runs/log-inputs': run('update'),
  'POST mlflow/runs/outputs': run('update'),
  'POST mlflow/runs/set-tag': run('update'),
  'POST mlflow/runs/delete-tag': run('update'),
  'POST mlflow/runs/search': experiments('read'),
  'GET mlflow/metrics/get-history': run('read'),
  'GET mlflow/metrics/get-history-bulk': runs('read'),
  'GET mlflow/metrics/get-history-bulk-interval': runs('read'),
  'GET mlflow/artifacts/list': run('read'),
  'POST mlflow/upload-artifact': run('update'),
  'GET /get-artifact': run('read'),

  // ---- logged models (MLflow 3): their experiment's permission
  'POST mlflow/logged-models': experiment('update'),
  'GET mlflow/logged-models/:model_id': loggedModel('read'),
  'PATCH mlflow/logged-models/:model_id': loggedModel('update'),
  'DELETE mlflow/logged-models/:model_id': loggedModel('delete'),
  'PATCH mlflow/logged-models/:model_id/tags': loggedModel('update'),
  'DELETE mlflow/logged-models/:model_id/tags/*': loggedModel('update'),
  'POST mlflow/logged-models/:model_id/params': loggedModel('update'),
  'GET mlflow/logged-models/:model_id/artifacts/directories': loggedModel('read'),
  'POST mlflow/logged-models/search': experiments('read'),

  // ---- proxied artifacts: the run's (or logged model's) experiment
  'GET artifacts/artifacts': artifactPath('read'),
  'GET artifacts/artifacts/*': artifactPath('read'),
  'PUT artifacts/artifacts/*': artifactPath('update'),
  'DELETE artifacts/artifacts/*': artifactPath('delete'),
  'POST artifacts/mpu/create/*': artifactPath('update'),
  'POST artifacts/mpu/complete/*': artifactPath('update'),
  'POST artifacts/mpu/abort/*': artifactPath('update'),

  // ---- model registry
  'POST mlflow/registered-models/create': USER, // the creator gets MANAGE (authHooks)
  'GET mlflow/registered-models/get': model('read'),
  'PATCH mlflow/registered-models/update': model('update'),
  'POST mlflow/registered-models/rename': model('update'),
  'DELETE mlflow/registered-models/delete': model('delete'),
  'POST mlflow/registered-models/set-tag': model('update'),
  'DELETE mlflow/registered-models/delete-tag': model('update'),
  'GET mlflow/registered-models/get-latest-versions': model('read'),
  'POST mlflow/registered-models/get-latest-versions': model('read'),
  'POST mlflow/registered-models/alias': model('update'),
  'DELETE mlflow/registered-models/alias': model('delete'),
  'GET mlflow/registered-models/alias': model('read'),
  'GET mlflow/registered-models/search': USER, // answers filtered (authHooks)
  'POST mlflow/model-versions/create': model('update'),
  'GET mlflow/model-versions/get': model('read'),
  'PATCH mlflow/model-versions/update': model('update'),
  'DELETE mlflow/model-versions/delete': model('delete'),
  'POST mlflow/model-versions/transition-stage': model('update'),
  'POST mlflow/model-versions/set-tag': model('update'),
  'DELETE mlflow/model-versions/delete-tag': model('delete'),
  'GET mlflow/model-versions/get-download-uri': model('read'),
  'GET mlflow/model-versions/search': USER, // answers filtered (authHooks)
  'GET /model-versions/get-artifact': model('read'),
  'GET //model-versions/get-artifact': model('read'),

  // ---- traces (lablog keeps none) and the UI's gateway stub
  'POST mlflow/traces': USER,
  'GET mlflow/traces': USER,
  'POST mlflow3/traces': USER,
  'POST mlflow3/traces/search': USER,
  'GET mlflow3/traces': USER,
  'GET mlflow/gateway-proxy': USER,
  'POST mlflow/gateway-proxy': USER,

  // ---- lablog's own endpoints
  'GET lablog/metrics/downsample': run('read'),
  'POST lablog/metrics/downsample-bulk': runs('read'),
  'POST lablog/runs/count': experiments('read'),
  'GET lablog/filters/check': USER,
  'GET lablog/sessions/:session': SESSION_OWNER,
  'PUT lablog/sessions/:session': SESSION_OWNER,
  'PUT lablog/sessions/:session/notebook': SESSION_OWNER,
  'POST lablog/sessions/:session/executions': SESSION_OWNER,
  'POST lablog/sessions/:session/outputs': SESSION_OWNER,
  'GET lablog/agent': USER,
  'POST lablog/auth/login': ANYONE,
  'POST lablog/auth/logout': ANYONE,
  'GET lablog/auth/whoami': ANYONE,
  'POST lablog/auth/tokens': USER,
  'GET lablog/auth/experiment-permissions': experiment('manage'),

  // ---- users and permissions (MLflow's basic-auth app)
  'POST mlflow/users/create': ADMIN,
  'GET mlflow/users/get': SELF,
  'GET mlflow/users/current': USER,
  'GET mlflow/users/list': ADMIN,
  'PATCH mlflow/users/update-password': SELF,
  'PATCH mlflow/users/update-admin': ADMIN,
  'DELETE mlflow/users/delete': ADMIN,
  'POST mlflow/experiments/permissions/create': experiment('manage'),
  'GET mlflow/experiments/permissions/get': experiment('manage'),
  'PATCH mlflow/experiments/permissions/update': experiment('manage'),
  'DELETE mlflow/experiments/permissions/delete': experiment('manage'),
  'POST mlflow/registered-models/permissions/create': model('manage'),
  'GET mlflow/registered-models/permissions/get': model('manage'),
  'PATCH mlflow/registered-models/permissions/update': model('manage'),
  'DELETE mlflow/registered-models/permissions/delete': model('manage'),
  'POST mlflow3/users/permissions/grant': grantTarget(),
  'POST mlflow3/users/permissions/revoke': grantTarget(),
  'GET mlflow3/users/permissions/get': grantTarget(),
};

/** The rule of a route; routes the table does not know are for admins only. */
export function ruleOf(method: string, url: string): Rule {
  // the page's files (fastify-static registers one route per file) hold no data
  if ((method === 'GET' || method === 'HEAD') && isPagePath(url)) return ANYONE;
  return table[routeKey(method, url)] ?? ADMIN;
}

/** True when the table has an entry for the route (the completeness test asks). */
export function hasRule(method: string, url: string): boolean {
  return ((method === 'GET' || method === 'HEAD') && isPagePath(url)) || routeKey(method, url) in table;
}
