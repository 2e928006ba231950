/**
 * Subscriptions restricted to event kinds: a viewer of run states or of the registry can watch
 * everything without receiving the metric points; replayed history is filtered the same way;
 * an unknown kind is refused.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LiveTestClient } from '../support/liveClient.js';
import { newRun, post } from '../support/mlflowHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

let agent: StartedAgent;
before(async () => {
  agent = await startAgent();
});
after(() => agent.close());

test("scope 'all' with kinds ['run', 'registry'] gets run and registry events, no metrics", async () => {
  const viewer = await LiveTestClient.connect(agent.url);
  try {
    viewer.send({ type: 'subscribe', id: 'k', scope: { kind: 'all' }, kinds: ['run', 'registry'] });
    await viewer.next((m) => m.type === 'subscribed' && m.sub === 'k');
    const { runId } = await newRun(agent.url, 'kinds', 'r1');
    await post(agent.url, 'runs/log-batch', { run_id: runId, metrics: Array.from({ length: 50 }, (_, i) => ({ key: 'loss', value: i, timestamp: 1, step: i })) });
    await post(agent.url, 'registered-models/create', { name: 'kinds-model' });
    await post(agent.url, 'runs/update', { run_id: runId, status: 'FINISHED', end_time: 2 });
    await viewer.next((m) => m.type === 'event' && m.sub === 'k' && m.event.kind === 'run' && m.event.info.status === 'FINISHED');
    const kinds = new Set(viewer.events('k').map((m) => m.event.kind));
    assert.deepEqual([...kinds].sort(), ['registry', 'run']);
  } finally {
    await viewer.close();
  }
});

test('a resumed subscription replays only the kinds it asked for', async () => {
  const first = await LiveTestClient.connect(agent.url);
  first.send({ type: 'subscribe', id: 'a', scope: { kind: 'all' } });
  const sub = await first.next<{ type: 'subscribed'; sub: string; epoch: string; seq: number }>((m) => m.type === 'subscribed');
  await first.close();
  const { runId } = await newRun(agent.url, 'kinds-replay', 'r2');
  await post(agent.url, 'runs/log-metric', { run_id: runId, key: 'acc', value: 1, timestamp: 1, step: 0 });
  await post(agent.url, 'runs/set-tag', { run_id: runId, key: 'note', value: 'x' });
  const again = await LiveTestClient.connect(agent.url);
  try {
    again.send({ type: 'subscribe', id: 'b', scope: { kind: 'all' }, since: sub.seq, epoch: sub.epoch, kinds: ['tags'] });
    await again.next((m) => m.type === 'subscribed' && m.sub === 'b');
    assert.deepEqual(
      again.events('b').map((m) => m.event.kind),
      ['tags'],
    );
  } finally {
    await again.close();
  }
});

test('an unknown kind is refused with a clear error', async () => {
  const c = await LiveTestClient.connect(agent.url);
  try {
    c.send({ type: 'subscribe', id: 'bad', scope: { kind: 'all' }, kinds: ['points'] });
    const err = await c.next<{ type: 'error'; error_code: string; message: string }>((m) => m.type === 'error');
    assert.equal(err.error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(err.message, /kinds/);
  } finally {
    await c.close();
  }
});
