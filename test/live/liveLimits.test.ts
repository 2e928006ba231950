/**
 * What one live connection may hold: a capped number of subscriptions, snapshots up to a size,
 * messages up to the size of a REST log-batch body. Past each, the client is told why.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServerMessage } from '@lablog/schema';
import { LiveTestClient } from '../support/liveClient.js';
import { newRun } from '../support/mlflowHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

let a: StartedAgent;
before(async () => {
  a = await startAgent({ live: { maxSubscriptions: 3, maxSnapshotBytes: 500 } });
  await newRun(a.url, 'limits');
});
after(() => a.close());

test('a connection holds a capped number of subscriptions; replacing one is always fine', async () => {
  const c = await LiveTestClient.connect(a.url);
  for (const id of ['a', 'b', 'c', 'a']) {
    const from = c.messages.length;
    c.send({ type: 'subscribe', id, scope: { kind: 'all' } });
    await c.next((m) => m.type === 'subscribed' && m.sub === id, 5000, from);
  }
  c.send({ type: 'subscribe', id: 'd', scope: { kind: 'all' } });
  const e = await c.next<ErrorMessage>((m) => m.type === 'error');
  assert.equal(e.id, 'd');
  assert.equal(e.error_code, 'RESOURCE_EXHAUSTED');
  c.send({ type: 'unsubscribe', id: 'b' });
  c.send({ type: 'subscribe', id: 'd', scope: { kind: 'all' } });
  await c.next((m) => m.type === 'subscribed' && m.sub === 'd');
  await c.close();
});

test('a snapshot larger than the limit is refused, and the connection goes on', async () => {
  const c = await LiveTestClient.connect(a.url);
  c.send({ type: 'subscribe', id: 'big', scope: { kind: 'all' }, snapshot: true });
  const e = await c.next<ErrorMessage>((m) => m.type === 'error');
  assert.equal(e.error_code, 'RESOURCE_EXHAUSTED');
  assert.match(e.message, /larger than 500 bytes/);
  c.send({ type: 'subscribe', id: 'small', scope: { kind: 'all' } });
  await c.next((m) => m.type === 'subscribed' && m.sub === 'small');
  await c.close();
});

test('a log message larger than a REST log-batch body is refused as that body would be; the connection goes on', async () => {
  const { runId } = await newRun(a.url, 'limits-log');
  const c = await LiveTestClient.connect(a.url);
  c.send({ type: 'log', id: 'huge', run_id: runId, params: [{ key: 'k', value: 'é'.repeat(600 * 1024) }] });
  const e = await c.next<ErrorMessage>((m) => m.type === 'error');
  assert.equal(e.id, 'huge');
  assert.equal(e.error_code, 'INVALID_PARAMETER_VALUE');
  assert.match(e.message, /a live log message: at most 1 MB/);
  c.send({ type: 'log', id: 'small', run_id: runId, params: [{ key: 'k', value: 'v' }] });
  await c.next((m) => m.type === 'ack' && m.id === 'small');
  await c.close();
});

test('a frame past the frame limit closes the connection with 1009', async () => {
  const c = await LiveTestClient.connect(a.url);
  const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
  c.send({ type: 'log', id: 'huge', run_id: 'x', params: [{ key: 'k', value: 'v'.repeat(5 * 1024 * 1024) }] });
  assert.equal(await closed, 1009);
});
