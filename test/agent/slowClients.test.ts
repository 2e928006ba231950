/**
 * Slow clients cannot hold the agent's connections: headers and bodies that trickle in are cut
 * off (with a 408 MLflow body) once their time is up, while an artifact upload that keeps
 * making progress may take as long as it needs; past the connection cap, a new connection is
 * answered 503 (which the MLflow client retries). The agent answers others throughout.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { runArtifactUrl } from '../support/artifactHttp.js';
import { newRun } from '../support/mlflowHttp.js';
import { openSocket, parseResponse, readUntilClosed } from '../support/rawHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

let a: StartedAgent;
let host: string;
before(async () => {
  a = await startAgent({
    limits: { headersTimeoutMs: 1000, bodyTimeoutMs: 1000, uploadIdleMs: 2000, uploadMinBytes: 1024 },
  });
  host = new URL(a.url).host;
});
after(() => a.close());

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function healthy(): Promise<void> {
  const res = await fetch(`${a.url}/health`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'OK');
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]!);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

test('100 connections trickling a body are cut off with a 408 once their time is up; /health answers throughout', async () => {
  const body = JSON.stringify({ name: 'x'.repeat(500) });
  const sockets = await Promise.all(Array.from({ length: 100 }, () => openSocket(a.url)));
  const replies = sockets.map((s) => readUntilClosed(s, 20_000));
  for (const s of sockets) {
    s.write(`POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    trickle(s, body, 100);
  }
  await healthy();
  await pause(300);
  await healthy();
  for (const { text, closed } of await Promise.all(replies)) {
    assert.ok(closed, 'the agent closed the trickling connection');
    const r = parseResponse(text);
    assert.equal(r?.status, 408);
    assert.equal((JSON.parse(r.body) as { error_code: string }).error_code, 'BAD_REQUEST');
  }
  await healthy();
});

test('a refused request whose body trickles on is cut off too (Node reads and drops that body)', async () => {
  const s = await openSocket(a.url);
  const reply = readUntilClosed(s, 20_000);
  // refused by the Host check before its body is read
  s.write(`POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: evil.example\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
  trickle(s, 'x'.repeat(1000), 100);
  const { text, closed } = await reply;
  assert.ok(closed, 'the agent closed the connection');
  assert.equal(parseResponse(text)?.status, 403);
});

test('headers that trickle in are cut off with a 408', async () => {
  const s = await openSocket(a.url);
  const reply = readUntilClosed(s, 20_000);
  s.write(`GET /health HTTP/1.1\r\nHost: ${host}\r\n`);
  trickle(s, `X-Slow: ${'y'.repeat(500)}\r\n\r\n`, 100);
  const { text, closed } = await reply;
  assert.ok(closed);
  assert.equal(parseResponse(text)?.status, 408);
  await healthy();
});

test('an artifact upload that keeps making progress may outlast the body timeout; one that stalls is cut off', async () => {
  const { experimentId, runId } = await newRun(a.url, 'slow-upload');
  const url = new URL(runArtifactUrl(a.url, experimentId, runId, 'slow.bin'));
  const piece = 'z'.repeat(8 * 1024);
  const pieces = 20; // one every 200 ms: four times the body timeout

  const steady = await openSocket(a.url);
  const steadyReply = readUntilClosed(steady, 20_000);
  steady.write(`PUT ${url.pathname} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${piece.length * pieces}\r\nConnection: close\r\n\r\n`);
  for (let i = 0; i < pieces; i++) {
    steady.write(piece);
    await pause(200);
  }
  const ok = parseResponse((await steadyReply).text);
  assert.equal(ok?.status, 200, ok?.body);
  const stored = await fetch(url);
  assert.equal((await stored.arrayBuffer()).byteLength, piece.length * pieces);

  const stalled = await openSocket(a.url);
  const stalledReply = readUntilClosed(stalled, 20_000);
  stalled.write(`PUT ${url.pathname.replace('slow.bin', 'stalled.bin')} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 100000\r\n\r\n${piece}`);
  const { closed } = await stalledReply;
  assert.ok(closed, 'the stalled upload was cut off');
  const listing = (await (await fetch(`${a.url}/api/2.0/mlflow-artifacts/artifacts?path=${experimentId}/${runId}/artifacts`)).json()) as { files?: Array<{ path: string }> };
  assert.deepEqual(
    (listing.files ?? []).map((f) => f.path),
    ['slow.bin'],
  );
});

test('past the connection cap a new connection gets a 503 TEMPORARILY_UNAVAILABLE; the agent serves again once they close', async (t) => {
  // an agent of its own, with the default timeouts: idle connections must stay open long enough to fill it
  const capped = await startAgent({ limits: { maxConnections: 50 } });
  t.after(() => capped.close());
  const idle = await Promise.all(Array.from({ length: 50 }, () => openSocket(capped.url)));
  const extra = await openSocket(capped.url);
  const { text, closed } = await readUntilClosed(extra, 10_000);
  assert.ok(closed);
  const r = parseResponse(text);
  assert.equal(r?.status, 503);
  assert.equal((JSON.parse(r.body) as { error_code: string }).error_code, 'TEMPORARILY_UNAVAILABLE');
  for (const s of idle) s.destroy();
  await pause(100);
  const res = await fetch(`${capped.url}/health`);
  assert.equal(res.status, 200);
});
