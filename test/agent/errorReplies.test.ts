/**
 * Every error the agent sends is an MLflow JSON body `{error_code, message}`, with the HTTP
 * status of its code: REST refusals, requests Node's HTTP parser refuses before any route sees
 * them, refused WebSocket upgrades and the live channel's error messages.
 */
import assert from 'node:assert/strict';
import { STATUS_CODES } from 'node:http';
import { after, before, test } from 'node:test';
import { errorReply } from 'lablog';
import { LiveTestClient } from '../support/liveClient.js';
import { post } from '../support/mlflowHttp.js';
import { rawRequest } from '../support/rawHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

let a: StartedAgent;
let host: string;
before(async () => {
  a = await startAgent({ token: 'secret-token' });
  host = new URL(a.url).host;
});
after(() => a.close());

const auth = { authorization: 'Bearer secret-token' };

function assertMlflowBody(body: string, code: string): { error_code: string; message: string } {
  const parsed = JSON.parse(body) as { error_code: string; message: string };
  assert.equal(parsed.error_code, code);
  assert.equal(typeof parsed.message, 'string');
  assert.ok(parsed.message.length > 0);
  return parsed;
}

test('headers larger than the parser accepts get a 431 with an MLflow body', async () => {
  const r = await rawRequest(a.url, `GET /health HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
  assert.equal(r.status, 431);
  assert.match(r.headers, /content-type: application\/json/i);
  assertMlflowBody(r.body, 'BAD_REQUEST');
});

test('a malformed request line gets a 400 with an MLflow body', async () => {
  for (const raw of ['NOT A REQUEST\r\n\r\n', `GET /health HTTP/9.9\r\nHost: ${host}\r\n\r\n`, `GET /health HTTP/1.1\r\nHost ${host}\r\n\r\n`]) {
    const r = await rawRequest(a.url, raw);
    assert.equal(r.status, 400, raw);
    assertMlflowBody(r.body, 'BAD_REQUEST');
  }
});

test('a body over its route limit gets a 413 naming that route and its limit', async () => {
  const big = { name: 'x'.repeat(2 * 1024 * 1024) };
  const create = await post<{ error_code: string; message: string }>(a.url, 'experiments/create', big, auth);
  assert.equal(create.status, 413);
  assert.equal(create.body.error_code, 'INVALID_PARAMETER_VALUE');
  assert.match(create.body.message, /experiments\/create: at most 1 MB/);

  const inputs = await post<{ error_code: string; message: string }>(a.url, 'runs/log-inputs', { run_id: 'r', datasets: [{ profile: 'x'.repeat(21 * 1024 * 1024) }] }, auth);
  assert.equal(inputs.status, 413);
  assert.match(inputs.body.message, /runs\/log-inputs: at most 20 MB/);
});

test('a refused WebSocket upgrade carries the status text of its status and an MLflow body', async () => {
  const upgrade = (path: string, headers: string) =>
    rawRequest(a.url, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${headers}\r\n`);
  const noToken = await upgrade('/ws', '');
  assert.equal(noToken.status, 401);
  assert.equal(noToken.statusText, STATUS_CODES[401]);
  assertMlflowBody(noToken.body, 'UNAUTHENTICATED');
  const nowhere = await upgrade('/elsewhere', 'Authorization: Bearer secret-token\r\n');
  assert.equal(nowhere.status, 404);
  assert.equal(nowhere.statusText, STATUS_CODES[404]);
  assertMlflowBody(nowhere.body, 'ENDPOINT_NOT_FOUND');
});

test('the live channel reports a bad message with the same body fields', async () => {
  const c = await LiveTestClient.connect(a.url, { headers: auth });
  c.send({ type: 'subscribe', id: 's', scope: { kind: 'run', run_id: 'no-such-run' } });
  const e = await c.next<{ type: 'error'; id: string; error_code: string; message: string }>((m) => m.type === 'error');
  assert.equal(e.id, 's');
  assert.equal(e.error_code, 'RESOURCE_DOES_NOT_EXIST');
  await c.close();
});

test('running out of file descriptors is a 503 TEMPORARILY_UNAVAILABLE, which the MLflow client retries', () => {
  for (const code of ['EMFILE', 'ENFILE']) {
    const err = Object.assign(new Error(`${code}: too many open files, open '/x'`), { code });
    const r = errorReply(err);
    assert.equal(r.status, 503);
    assert.equal(r.body.error_code, 'TEMPORARILY_UNAVAILABLE');
  }
  assert.equal(errorReply(new Error('boom')).status, 500);
});
