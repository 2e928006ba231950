/**
 * Users and permissions on a team server (PostgreSQL, `auth` on), over real sockets: sign-in on
 * every request, MLflow's levels per experiment, the creator manages, search answers filtered,
 * a run belongs to whoever signed in, personal tokens for the TS client, the route table covers
 * every route.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Lablog } from 'lablog/client';
import { engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';
import { ADMIN, ADMIN_PASSWORD, addUser, basic, call, newExperiment, newRun } from './authHelpers.js';

const skip = await engineMissing('postgresql');

describe('users and permissions on a team server', { skip }, () => {
  let a: EngineAgent;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  before(async () => {
    a = await startEngineAgent('postgresql', { auth: { adminPassword: ADMIN_PASSWORD } });
    alice = await addUser(a, 'alice', 'alice-pw-123');
    bob = await addUser(a, 'bob', 'bob-pw-456');
  });
  after(() => a?.close());

  test('every route the agent serves has an entry in the route table', () => {
    assert.deepEqual(a.agent.auth?.unmappedRoutes, []);
  });

  test('a request without credentials gets 401 with a Basic challenge; health, version and the page need none', async () => {
    const r = await call(a, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0');
    assert.equal(r.status, 401);
    assert.equal(r.body.error_code, 'UNAUTHENTICATED');
    assert.match(r.headers.get('www-authenticate') ?? '', /^Basic/);
    assert.equal((await fetch(`${a.url}/health`)).status, 200);
    assert.equal((await fetch(`${a.url}/version`)).status, 200);
    assert.equal((await fetch(`${a.url}/`)).status, 200);
    const wrong = await call(a, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', undefined, basic('alice', 'nope'));
    assert.equal(wrong.status, 401);
    const who = await call(a, 'GET', '/api/2.0/lablog/auth/whoami', undefined, alice);
    assert.deepEqual(who.body, { auth: true, username: 'alice', is_admin: false });
  });

  test('only an admin makes users; a user reads themself, not others', async () => {
    assert.equal((await call(a, 'POST', '/api/2.0/mlflow/users/create', { username: 'mallory', password: 'x-123' }, alice)).status, 403);
    const self = await call<{ user: { username: string; is_admin: boolean } }>(a, 'GET', '/api/2.0/mlflow/users/get?username=alice', undefined, alice);
    assert.equal(self.status, 200);
    assert.equal(self.body.user.username, 'alice');
    assert.equal((await call(a, 'GET', '/api/2.0/mlflow/users/get?username=bob', undefined, alice)).status, 403);
    assert.equal((await call(a, 'POST', '/api/2.0/mlflow/users/create', { username: 'alice', password: 'again' }, ADMIN)).body.error_code, 'RESOURCE_ALREADY_EXISTS');
  });

  test("the creator manages an experiment; others read it by default (READ) but cannot log to it or delete it", async () => {
    const exp = await newExperiment(a, 'alice-exp', alice);
    const perm = await call<{ experiment_permission: { permission: string } }>(a, 'GET', `/api/2.0/mlflow/experiments/permissions/get?experiment_id=${exp}&username=alice`, undefined, alice);
    assert.equal(perm.body.experiment_permission.permission, 'MANAGE');
    const run = await newRun(a, exp, alice);
    assert.equal(run.status, 200);
    const runId = run.body.run.info.run_id;

    assert.equal((await call(a, 'GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`, undefined, bob)).status, 200);
    const log = await call(a, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: runId, key: 'loss', value: 1, timestamp: 1, step: 0 }, bob);
    assert.equal(log.status, 403);
    assert.equal(log.body.error_code, 'PERMISSION_DENIED');
    assert.equal((await newRun(a, exp, bob)).status, 403);
    assert.equal((await call(a, 'POST', '/api/2.0/mlflow/experiments/delete', { experiment_id: exp }, bob)).status, 403);
    // a manager's page of grants is for managers
    assert.equal((await call(a, 'GET', `/api/2.0/lablog/auth/experiment-permissions?experiment_id=${exp}`, undefined, bob)).status, 403);

    // alice grants bob EDIT: now he logs, still cannot delete
    assert.equal((await call(a, 'POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: exp, username: 'bob', permission: 'EDIT' }, alice)).status, 200);
    assert.equal((await call(a, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: runId, key: 'loss', value: 1, timestamp: 1, step: 0 }, bob)).status, 200);
    assert.equal((await call(a, 'POST', '/api/2.0/mlflow/runs/delete', { run_id: runId }, bob)).status, 403);
    // bob may not grant himself more
    assert.equal((await call(a, 'PATCH', '/api/2.0/mlflow/experiments/permissions/update', { experiment_id: exp, username: 'bob', permission: 'MANAGE' }, bob)).status, 403);
    const list = await call<{ permissions: Array<{ username: string; permission: string }> }>(a, 'GET', `/api/2.0/lablog/auth/experiment-permissions?experiment_id=${exp}`, undefined, alice);
    assert.deepEqual(list.body.permissions, [
      { username: 'alice', permission: 'MANAGE' },
      { username: 'bob', permission: 'EDIT' },
    ]);
    // revoked: back to the default
    assert.equal((await call(a, 'DELETE', '/api/2.0/mlflow/experiments/permissions/delete', { experiment_id: exp, username: 'bob' }, alice)).status, 200);
    assert.equal((await call(a, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: runId, key: 'loss', value: 2, timestamp: 2, step: 1 }, bob)).status, 403);
  });

  test('an experiment closed to a user (NO_PERMISSIONS) is gone from their searches and refused to them, runs and artifacts included', async () => {
    const exp = await newExperiment(a, 'alice-private', alice);
    const run = (await newRun(a, exp, alice)).body.run.info.run_id;
    await call(a, 'POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: exp, username: 'bob', permission: 'NO_PERMISSIONS' }, alice);
    const search = await call<{ experiments: Array<{ experiment_id: string }> }>(a, 'POST', '/api/2.0/mlflow/experiments/search', { max_results: 1000 }, bob);
    assert.equal(search.status, 200);
    assert.ok(!search.body.experiments.some((e) => e.experiment_id === exp));
    const aliceSees = await call<{ experiments: Array<{ experiment_id: string }> }>(a, 'POST', '/api/2.0/mlflow/experiments/search', { max_results: 1000 }, alice);
    assert.ok(aliceSees.body.experiments.some((e) => e.experiment_id === exp));
    assert.equal((await call(a, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${exp}`, undefined, bob)).status, 403);
    assert.equal((await call(a, 'GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=alice-private', undefined, bob)).status, 403);
    assert.equal((await call(a, 'GET', `/api/2.0/mlflow/runs/get?run_id=${run}`, undefined, bob)).status, 403);
    assert.equal((await call(a, 'POST', '/api/2.0/mlflow/runs/search', { experiment_ids: [exp] }, bob)).status, 403);
    assert.equal((await call(a, 'POST', '/api/2.0/mlflow/runs/search', { experiment_ids: [] }, bob)).status, 403);
    assert.equal((await call(a, 'GET', `/api/2.0/mlflow/metrics/get-history?run_id=${run}&metric_key=loss`, undefined, bob)).status, 403);
    assert.equal((await call(a, 'GET', `/api/2.0/mlflow/artifacts/list?run_id=${run}`, undefined, bob)).status, 403);
    assert.equal((await call(a, 'GET', `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts/x.txt`, undefined, bob)).status, 403);
    // forging the path's experiment does not help: the run decides
    assert.equal((await call(a, 'GET', `/api/2.0/mlflow-artifacts/artifacts/0/${run}/artifacts/x.txt`, undefined, bob)).status, 403);
    assert.equal((await call(a, 'POST', '/api/2.0/lablog/runs/count', { experiment_ids: [exp] }, bob)).status, 403);
    // the admin sees everything
    assert.equal((await call(a, 'GET', `/api/2.0/mlflow/runs/get?run_id=${run}`, undefined, ADMIN)).status, 200);
  });

  test('a search among closed experiments still answers full pages, and paging finds every readable experiment once', async () => {
    for (let i = 0; i < 5; i++) {
      const id = await newExperiment(a, `closed-${i}`, alice);
      await call(a, 'POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: id, username: 'bob', permission: 'NO_PERMISSIONS' }, alice);
      if (i % 2 === 0) await newExperiment(a, `open-${i}`, alice);
    }
    const all = await call<{ experiments: Array<{ name: string }> }>(a, 'POST', '/api/2.0/mlflow/experiments/search', { max_results: 1000 }, bob);
    const readable = all.body.experiments.map((e) => e.name).sort();
    assert.ok(readable.length >= 3 && !readable.some((n) => n.startsWith('closed-')));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await call<{ experiments?: Array<{ name: string }>; next_page_token?: string }>(a, 'POST', '/api/2.0/mlflow/experiments/search', { max_results: 2, ...(token ? { page_token: token } : {}) }, bob);
      const names = (page.body.experiments ?? []).map((e) => e.name);
      if (page.body.next_page_token) assert.equal(names.length, 2, 'a page before the last is full');
      seen.push(...names);
      token = page.body.next_page_token;
    } while (token);
    assert.deepEqual(seen.sort(), readable);
  });

  test("a run's user_id (and mlflow.user tag) is the signed-in user, whatever the client claims", async () => {
    const exp = await newExperiment(a, 'alice-owner', alice);
    const r = await newRun(a, exp, alice, { user_id: 'bob', tags: [{ key: 'mlflow.user', value: 'bob' }] });
    assert.equal(r.status, 200);
    assert.equal(r.body.run.info.user_id, 'alice');
    const got = await call<{ run: { data: { tags: Array<{ key: string; value: string }> } } }>(a, 'GET', `/api/2.0/mlflow/runs/get?run_id=${r.body.run.info.run_id}`, undefined, alice);
    assert.equal(got.body.run.data.tags.find((t) => t.key === 'mlflow.user')?.value, 'alice');
  });

  test('registered models: the creator manages; others read; search answers only what a user may read', async () => {
    assert.equal((await call(a, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'alice-model' }, alice)).status, 200);
    assert.equal((await call(a, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'alice-secret' }, alice)).status, 200);
    await call(a, 'POST', '/api/2.0/mlflow/registered-models/permissions/create', { name: 'alice-secret', username: 'bob', permission: 'NO_PERMISSIONS' }, alice);
    assert.equal((await call(a, 'GET', '/api/2.0/mlflow/registered-models/get?name=alice-model', undefined, bob)).status, 200);
    assert.equal((await call(a, 'PATCH', '/api/2.0/mlflow/registered-models/update', { name: 'alice-model', description: 'mine now' }, bob)).status, 403);
    assert.equal((await call(a, 'DELETE', '/api/2.0/mlflow/registered-models/delete', { name: 'alice-model' }, bob)).status, 403);
    const found = await call<{ registered_models?: Array<{ name: string }> }>(a, 'GET', '/api/2.0/mlflow/registered-models/search?max_results=100', undefined, bob);
    const names = (found.body.registered_models ?? []).map((m) => m.name);
    assert.ok(names.includes('alice-model'));
    assert.ok(!names.includes('alice-secret'));
    // MLflow 3's unified grant API
    assert.equal((await call(a, 'POST', '/api/3.0/mlflow/users/permissions/grant', { username: 'bob', resource_type: 'registered_model', resource_id: 'alice-model', permission: 'EDIT' }, alice)).status, 200);
    const got = await call(a, 'GET', '/api/3.0/mlflow/users/permissions/get?username=bob&resource_type=registered_model&resource_id=alice-model', undefined, alice);
    assert.deepEqual(got.body, { allowed: true, permission: 'EDIT' });
    assert.equal((await call(a, 'PATCH', '/api/2.0/mlflow/registered-models/update', { name: 'alice-model', description: 'edited' }, bob)).status, 200);
  });

  test('the TS client logs with a personal token; a wrong token is refused', async (t) => {
    const exp = await newExperiment(a, 'bob-ts', bob);
    const made = await call<{ token: string }>(a, 'POST', '/api/2.0/lablog/auth/tokens', { name: 'laptop' }, bob);
    assert.equal(made.status, 200);
    const lablog = new Lablog({ url: a.url, token: made.body.token, onError: null });
    t.after(() => lablog.close());
    const run = await lablog.startRun({ experiment: 'bob-ts', runName: 'with-token' });
    run.logParams({ lr: 0.1 });
    for (let step = 0; step < 20; step++) run.logMetric('loss', 1 / (step + 1), { step });
    const report = await run.endRun();
    assert.equal(report.durable, true);
    assert.deepEqual(report.errors, []);
    const got = await call<{ run: { info: { user_id: string; experiment_id: string } } }>(a, 'GET', `/api/2.0/mlflow/runs/get?run_id=${run.id}`, undefined, { authorization: `Bearer ${made.body.token}` });
    assert.equal(got.body.run.info.user_id, 'bob');
    assert.equal(got.body.run.info.experiment_id, exp);
    assert.equal((await call(a, 'GET', `/api/2.0/mlflow/runs/get?run_id=${run.id}`, undefined, { authorization: 'Bearer llt_not-a-token' })).status, 401);
  });

  test("a notebook session is its first user's: another user can neither use its endpoints nor log under its prefix; an admin can", async () => {
    const session = 'nb-session-of-alice';
    const register = { notebook_path: 'train.ipynb', kernel: { name: 'python3', language: 'python' } };
    assert.equal((await call(a, 'PUT', `/api/2.0/lablog/sessions/${session}`, register, alice)).status, 200);
    assert.equal((await call(a, 'GET', `/api/2.0/lablog/sessions/${session}`, undefined, alice)).status, 200);
    const exp = await newExperiment(a, 'shared-by-alice', alice);
    assert.equal((await call(a, 'POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: exp, username: 'bob', permission: 'EDIT' }, alice)).status, 200);
    // bob may edit the experiment, but not through alice's session (its notebook and snapshots are hers)
    const taken = await call(a, 'PUT', `/api/2.0/lablog/sessions/${session}`, { ...register, notebook_path: 'other.ipynb' }, bob);
    assert.equal(taken.status, 403);
    assert.equal(taken.body.error_code, 'PERMISSION_DENIED');
    assert.equal((await call(a, 'POST', `/api/2.0/lablog/sessions/${session}/outputs`, { execution_count: 1, started: Date.now() - 10, ended: Date.now(), images: [], text: [] }, bob)).status, 403);
    assert.equal((await call(a, 'POST', `/nb/${session}/api/2.0/mlflow/runs/create`, { experiment_id: exp, start_time: Date.now() }, bob)).status, 403);
    const own = await call<{ run: { info: { user_id: string } } }>(a, 'POST', `/nb/${session}/api/2.0/mlflow/runs/create`, { experiment_id: exp, start_time: Date.now() }, alice);
    assert.equal(own.status, 200);
    assert.equal(own.body.run.info.user_id, 'alice');
    assert.equal((await call(a, 'GET', `/api/2.0/lablog/sessions/${session}`, undefined, ADMIN)).status, 200);
    // bob's own session is his
    assert.equal((await call(a, 'PUT', '/api/2.0/lablog/sessions/nb-session-of-bob', register, bob)).status, 200);
  });

  test('the page signs in with a session cookie (HttpOnly, SameSite=Strict) and signs out', async () => {
    const login = await fetch(`${a.url}/api/2.0/lablog/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'alice-pw-123' }) });
    assert.equal(login.status, 200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.doesNotMatch(setCookie, /Secure/); // plain http here; behind an HTTPS proxy (x-forwarded-proto) it is Secure
    const behindTls = await fetch(`${a.url}/api/2.0/lablog/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' }, body: JSON.stringify({ username: 'alice', password: 'alice-pw-123' }) });
    assert.match(behindTls.headers.get('set-cookie') ?? '', /; Secure/);
    const cookie = setCookie.split(';')[0]!;
    const who = await call(a, 'GET', '/api/2.0/lablog/auth/whoami', undefined, { cookie });
    assert.equal(who.body.username, 'alice');
    await call(a, 'POST', '/api/2.0/lablog/auth/logout', undefined, { cookie });
    // an ended session is nobody: the page shows its sign-in form, the API asks for credentials
    assert.deepEqual((await call(a, 'GET', '/api/2.0/lablog/auth/whoami', undefined, { cookie })).body, { auth: true });
    assert.equal((await call(a, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', undefined, { cookie })).status, 401);
    const bad = await call(a, 'POST', '/api/2.0/lablog/auth/login', { username: 'alice', password: 'wrong' });
    assert.equal(bad.status, 401);
  });
});
