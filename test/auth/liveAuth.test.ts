/**
 * The live channel on a team server with users: an upgrade signs in (Basic, Bearer or the page's
 * cookie), a viewer receives only events of experiments it may read — in a snapshot or live —
 * and logging over the socket needs EDIT on the run's experiment.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerMessage } from '@lablog/schema';
import { engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';
import { LiveTestClient } from '../support/liveClient.js';
import { ADMIN_PASSWORD, addUser, call, newExperiment, newRun } from './authHelpers.js';

const skip = await engineMissing('postgresql');

type Event = Extract<ServerMessage, { type: 'event' }>;
type Snapshot = Extract<ServerMessage, { type: 'snapshot' }>;

describe('the live channel with users', { skip }, () => {
  let a: EngineAgent;
  let alice: Record<string, string>;
  let viewer: Record<string, string>;
  let shared: string;
  let secret: string;
  before(async () => {
    a = await startEngineAgent('postgresql', { auth: { adminPassword: ADMIN_PASSWORD } });
    alice = await addUser(a, 'alice', 'alice-pw-123');
    viewer = await addUser(a, 'vera', 'vera-pw-789');
    shared = await newExperiment(a, 'team-a-shared', alice);
    secret = await newExperiment(a, 'team-a-secret', alice);
    await call(a, 'POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: secret, username: 'vera', permission: 'NO_PERMISSIONS' }, alice);
  });
  after(() => a?.close());

  test('an upgrade without credentials, or with wrong ones, is refused with 401', async () => {
    await assert.rejects(LiveTestClient.connect(a.url), /upgrade refused: 401/);
    await assert.rejects(LiveTestClient.connect(a.url, { headers: { authorization: `Basic ${Buffer.from('vera:wrong').toString('base64')}` } }), /upgrade refused: 401/);
  });

  test("a viewer watching everything never receives another team's events, snapshot or live", async (t) => {
    const secretRun = (await newRun(a, secret, alice)).body.run.info.run_id;
    const v = await LiveTestClient.connect(a.url, { headers: viewer });
    t.after(() => v.close());
    v.send({ type: 'subscribe', id: 'all', scope: { kind: 'all' }, snapshot: true });
    const snap = await v.next<Snapshot>((m) => m.type === 'snapshot');
    assert.ok(snap.experiments.some((e) => e.experiment_id === shared));
    assert.ok(!snap.experiments.some((e) => e.experiment_id === secret));
    assert.ok(!snap.runs.some((r) => r.info.run_id === secretRun));

    // alice logs to both; the viewer gets the shared run's points only
    const sharedRun = (await newRun(a, shared, alice)).body.run.info.run_id;
    await call(a, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: secretRun, key: 'loss', value: 0.5, timestamp: 1, step: 0 }, alice);
    await call(a, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: sharedRun, key: 'loss', value: 0.25, timestamp: 1, step: 0 }, alice);
    await v.next<Event>((m) => m.type === 'event' && m.event.kind === 'metrics' && m.event.run_id === sharedRun);
    const seen = v.events('all').map((e) => ('experiment_id' in e.event ? e.event.experiment_id : e.event.kind === 'experiment' ? e.event.experiment.experiment_id : null));
    assert.ok(!seen.includes(secret), `events of the secret experiment reached the viewer: ${JSON.stringify(seen)}`);
  });

  test("registry events reach a viewer only for the models it may read", async (t) => {
    const v = await LiveTestClient.connect(a.url, { headers: viewer });
    t.after(() => v.close());
    v.send({ type: 'subscribe', id: 'reg', scope: { kind: 'all' }, kinds: ['registry'] });
    await v.next((m) => m.type === 'subscribed' && m.sub === 'reg');
    await call(a, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'closed-model' }, alice);
    await call(a, 'POST', '/api/2.0/mlflow/registered-models/permissions/create', { name: 'closed-model', username: 'vera', permission: 'NO_PERMISSIONS' }, alice);
    await new Promise((r) => setTimeout(r, 5500)); // the viewer's permissions are re-read every 5 s
    await call(a, 'POST', '/api/2.0/mlflow/registered-models/set-tag', { name: 'closed-model', key: 'k', value: 'v' }, alice);
    await call(a, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'open-model' }, alice);
    await v.next<Event>((m) => m.type === 'event' && m.event.kind === 'registry' && m.event.name === 'open-model');
    const names = v.events('reg').map((e) => (e.event.kind === 'registry' ? e.event.name : null));
    assert.ok(!names.slice(1).includes('closed-model'), `events of the closed model reached the viewer after it was closed: ${JSON.stringify(names)}`);
  });

  test('subscribing to a closed experiment or one of its runs is refused', async (t) => {
    const secretRun = (await newRun(a, secret, alice)).body.run.info.run_id;
    const v = await LiveTestClient.connect(a.url, { headers: viewer });
    t.after(() => v.close());
    v.send({ type: 'subscribe', id: 'e', scope: { kind: 'experiment', experiment_id: secret } });
    const e = await v.next((m) => m.type === 'error' && m.id === 'e');
    assert.equal((e as { error_code: string }).error_code, 'PERMISSION_DENIED');
    v.send({ type: 'subscribe', id: 'r', scope: { kind: 'run', run_id: secretRun } });
    const r = await v.next((m) => m.type === 'error' && m.id === 'r');
    assert.equal((r as { error_code: string }).error_code, 'PERMISSION_DENIED');
  });

  test('logging over the socket needs EDIT: a reader is refused, the owner is acknowledged', async (t) => {
    const run = (await newRun(a, shared, alice)).body.run.info.run_id;
    const v = await LiveTestClient.connect(a.url, { headers: viewer });
    t.after(() => v.close());
    v.send({ type: 'log', id: 'l1', run_id: run, metrics: [{ key: 'x', value: 1, timestamp: 1, step: 0 }] });
    const refused = await v.next((m) => m.type === 'error' && m.id === 'l1');
    assert.equal((refused as { error_code: string }).error_code, 'PERMISSION_DENIED');

    const token = (await call<{ token: string }>(a, 'POST', '/api/2.0/lablog/auth/tokens', { name: 'ws' }, alice)).body.token;
    // browsers offer the token as a subprotocol
    const owner = await LiveTestClient.connect(a.url, {}, ['lablog', `lablog.bearer64.${Buffer.from(token).toString('base64url')}`]);
    t.after(() => owner.close());
    owner.send({ type: 'log', id: 'l2', run_id: run, metrics: [{ key: 'x', value: 1, timestamp: 1, step: 0 }] });
    await owner.next((m) => m.type === 'ack' && m.id === 'l2');
  });
});
