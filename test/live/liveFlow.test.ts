/**
 * The live channel under stress and abuse: a viewer that stops reading never slows ingest
 * and is told to resync; dead sockets are closed by the heartbeat; upgrades pass the same
 * Host/Origin/token checks as REST.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import type { ServerMessage } from '@lablog/schema';
import { LiveTestClient } from '../support/liveClient.js';
import { newRun, post } from '../support/mlflowHttp.js';
import { startAgent } from '../support/startAgent.js';

test('a viewer that stops reading is cut off past the high-water mark, ingest goes on, and it is told to resync', async (t) => {
  const a = await startAgent({ live: { highWaterBytes: 256 * 1024, lowWaterBytes: 64 * 1024 } });
  t.after(() => a.close());
  const { runId } = await newRun(a.url, 'slow-viewer');
  const slow = await LiveTestClient.connect(a.url);
  slow.send({ type: 'subscribe', id: 'slow', scope: { kind: 'all' } });
  const sub = await slow.next<Extract<ServerMessage, { type: 'subscribed' }>>((m) => m.type === 'subscribed');
  const raw = (slow.ws as unknown as { _socket: Socket })._socket;
  raw.pause();

  const batches = 300;
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) {
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: Math.random(), timestamp: 1, step: b * 1000 + i }));
    const r = await post(a.url, 'runs/log-batch', { run_id: runId, metrics });
    assert.equal(r.status, 200);
  }
  const ingestMs = performance.now() - t0;
  raw.resume();
  const resync = await slow.next<Extract<ServerMessage, { type: 'resync' }>>((m) => m.type === 'resync', 10_000);
  assert.equal(resync.reason, 'slow');
  const delivered = slow.events('slow');
  const deliveredPoints = delivered.reduce((n, e) => n + (e.event.kind === 'metrics' ? e.event.metrics.length : 0), 0);
  assert.ok(deliveredPoints < batches * 1000, 'the backlog was dropped, not buffered');
  assert.equal(resync.seq, delivered.at(-1)!.seq);
  t.diagnostic(`ingest of ${batches} batches with a stuck viewer: ${ingestMs.toFixed(0)} ms; delivered before cut-off: ${deliveredPoints} points`);

  // resubscribing from the last seq it saw fills the gap from the agent's recent history;
  // a replay that itself outruns the viewer is cut again, and the viewer goes on from there
  const received = [...delivered];
  const count = (events: typeof delivered) => events.reduce((n, e) => n + (e.event.kind === 'metrics' ? e.event.metrics.length : 0), 0);
  let since = resync.seq;
  for (let round = 0; count(received) < batches * 1000; round++) {
    assert.ok(round < 50, 'resubscribing converges');
    const id = `again-${round}`;
    const from = slow.messages.length;
    slow.send({ type: 'subscribe', id, scope: { kind: 'all' }, since, epoch: sub.epoch });
    await slow.next((m) => (m.type === 'resync' && m.sub === id) || count([...received, ...slow.events(id)]) >= batches * 1000, 10_000, from);
    received.push(...slow.events(id));
    const r = slow.messages.slice(from).find((m) => m.type === 'resync' && m.sub === id) as Extract<ServerMessage, { type: 'resync' }> | undefined;
    if (r) since = r.seq;
  }
  const steps = received.flatMap((e) => (e.event.kind === 'metrics' ? e.event.metrics.map((m) => m.step) : []));
  assert.deepEqual(steps, Array.from({ length: batches * 1000 }, (_, i) => i));
  await slow.close();
});

test('the heartbeat closes a socket that stopped answering pings', async (t) => {
  const a = await startAgent({ live: { heartbeatMs: 100 } });
  t.after(() => a.close());
  const dead = await LiveTestClient.connect(a.url, { autoPong: false });
  const alive = await LiveTestClient.connect(a.url);
  const closed = await Promise.race([
    new Promise<boolean>((resolve) => dead.ws.once('close', () => resolve(true))),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000)),
  ]);
  assert.equal(closed, true);
  assert.equal(alive.ws.readyState, alive.ws.OPEN);
  for (let i = 0; i < 100 && a.agent.live.size > 1; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(a.agent.live.size, 1);
  await alive.close();
});

test('upgrades from a foreign origin or without the token are refused', async (t) => {
  const open = await startAgent();
  t.after(() => open.close());
  await assert.rejects(LiveTestClient.connect(open.url, { headers: { origin: 'https://evil.example.com' } }), /403/);
  // another local web app (another loopback port) is another origin
  await assert.rejects(LiveTestClient.connect(open.url, { headers: { origin: 'http://localhost:8888' } }), /403/);
  const own = await LiveTestClient.connect(open.url, { headers: { origin: open.url } });
  await own.close();
  await assert.rejects(LiveTestClient.connect(open.url.replace(/\/?$/, '/nope')), /404/);

  const guarded = await startAgent({ token: 't0ken' });
  t.after(() => guarded.close());
  await assert.rejects(LiveTestClient.connect(guarded.url), /401/);
  const ok = await LiveTestClient.connect(guarded.url, { headers: { authorization: 'Bearer t0ken' } });
  await ok.close();
  // browsers cannot set Authorization on a WebSocket: the token may come as a subprotocol
  const browserLike = await LiveTestClient.connect(guarded.url, {}, ['lablog', 'lablog.bearer.t0ken']);
  assert.equal(browserLike.ws.protocol, 'lablog');
  await browserLike.close();
  await assert.rejects(LiveTestClient.connect(guarded.url, {}, ['lablog', 'lablog.bearer.wrong']), /401/);
  // any token, encoded: base64url of 't0ken'
  const encoded = await LiveTestClient.connect(guarded.url, {}, ['lablog', `lablog.bearer64.${Buffer.from('t0ken').toString('base64url')}`]);
  assert.equal(encoded.ws.protocol, 'lablog');
  await encoded.close();
});
