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

test('a message larger than a log-batch body closes the connection with 1009', async () => {
  const c = await LiveTestClient.connect(a.url);
  const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
  c.send({ type: 'log', id: 'huge', run_id: 'x', params: [{ key: 'k', value: 'v'.repeat(1024 * 1024) }] });
  assert.equal(await closed, 1009);
});
