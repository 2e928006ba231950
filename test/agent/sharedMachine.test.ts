/**
 * On a shared machine only the agent's owner reaches it: another local user is refused on REST,
 * artifacts and the live channel, with no step added for the owner; the store is private. The
 * other users are real: requests are sent by processes running under other uids (the tests run
 * as root, as CI does, and need no account for a uid).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startAgent, type StartedAgent } from '../support/startAgent.js';
import { newRun } from '../support/mlflowHttp.js';
import { startAgentProcess } from '../support/agentProcess.js';

const OWNER = 41_001;
const OTHER = 41_002;
const asRoot = process.platform === 'linux' && process.getuid?.() === 0;

// Sent by a process of another user: one HTTP request or a WebSocket upgrade; prints the status.
const REQUEST = `
const http = require('node:http');
const [url, method, body, auth, upgrade] = process.argv.slice(1);
const headers = { 'content-type': 'application/octet-stream' };
if (auth) headers.authorization = 'Bearer ' + auth;
if (upgrade) Object.assign(headers, { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' });
const req = http.request(url, { method, headers }, (res) => {
  let text = '';
  res.on('data', (c) => (text += c));
  res.on('end', () => process.stdout.write(JSON.stringify({ status: res.statusCode, body: text })));
});
req.on('upgrade', (res, socket) => { process.stdout.write(JSON.stringify({ status: 101 })); socket.destroy(); });
req.on('error', (e) => process.stdout.write(JSON.stringify({ status: 0, body: e.message })));
req.end(body || undefined);
`;

function requestAs(uid: number, url: string, method = 'GET', body = '', token = '', upgrade = false): Promise<{ status: number; body?: string }> {
  const child = spawn(process.execPath, ['-e', REQUEST, url, method, body, token, upgrade ? '1' : ''], { uid, gid: uid, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.on('exit', () => resolve(JSON.parse(out || '{"status":-1}') as { status: number; body?: string })));
}

describe('an agent on a shared machine', { skip: asRoot ? false : 'needs root to act as other users (as CI runs)' }, () => {
  let a: StartedAgent;
  let runId = '';
  let experimentId = '';
  before(async () => {
    a = await startAgent({ owner: OWNER });
    ({ runId, experimentId } = await newRun(a.url, 'shared'));
  });
  after(() => a.close());

  test('refuses another local user on REST, with a message that says why; answers its owner', async () => {
    const url = `${a.url}/api/2.0/mlflow/experiments/search?max_results=10`;
    const other = await requestAs(OTHER, url);
    assert.equal(other.status, 403);
    assert.match(other.body ?? '', /"error_code":"PERMISSION_DENIED".*serves only the user who started it/);
    assert.equal((await requestAs(OWNER, url)).status, 200);
    assert.equal((await requestAs(OTHER, `${a.url}/health`)).status, 200, '/health tells nothing and stays open');
  });

  test('refuses another local user on artifacts: an upload does not replace the owner\'s file', async () => {
    const path = `${a.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/model.pkl`;
    assert.equal((await requestAs(OWNER, path, 'PUT', 'the owner\'s model')).status, 200);
    assert.equal((await requestAs(OTHER, path, 'PUT', 'someone else\'s code')).status, 403);
    assert.equal((await requestAs(OTHER, path)).status, 403);
    const read = await requestAs(OWNER, path);
    assert.equal(read.body, 'the owner\'s model');
  });

  test('refuses another local user on the live channel', async () => {
    const ws = a.url.replace(/^http/, 'http') + '/ws';
    assert.equal((await requestAs(OTHER, ws, 'GET', '', '', true)).status, 403);
    assert.equal((await requestAs(OWNER, ws, 'GET', '', '', true)).status, 101);
  });

  test('the store is private: its folder 0700, its files 0600', async () => {
    assert.equal((await stat(a.storeDir)).mode & 0o777, 0o700);
    assert.equal((await stat(join(a.storeDir, 'runs', runId))).mode & 0o077, 0);
    assert.equal((await stat(join(a.storeDir, 'runs', runId, 'run.json'))).mode & 0o077, 0);
    assert.equal((await stat(join(a.storeDir, 'meta', 'experiments.jsonl'))).mode & 0o077, 0);
  });
});

describe('an agent with a token on a shared machine', { skip: asRoot ? false : 'needs root to act as other users (as CI runs)' }, () => {
  let a: StartedAgent;
  before(async () => {
    a = await startAgent({ owner: OWNER, token: 'shared-secret' });
  });
  after(() => a.close());

  test('serves another user who has the token, and nobody without it', async () => {
    const url = `${a.url}/api/2.0/mlflow/experiments/search?max_results=10`;
    assert.equal((await requestAs(OTHER, url, 'GET', '', 'shared-secret')).status, 200);
    assert.equal((await requestAs(OTHER, url)).status, 401);
  });
});

test('a token from a file is in no command line and in no log line, even when a URL carries it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lablog-tokenfile-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, 'tok-8c1f2e\n', { mode: 0o600 });
  const agent = await startAgentProcess(['serve', '--port', '0', '--store', join(dir, 'store'), '--token-file', tokenFile, '--log']);
  try {
    if (process.platform === 'linux') assert.doesNotMatch(await readFile(`/proc/${agent.child.pid}/cmdline`, 'utf8'), /tok-8c1f2e/);
    assert.match(agent.output(), /#token=<token>/, 'the printed page URL puts the token in the fragment');
    const authed = await fetch(`${agent.url}/api/2.0/mlflow/experiments/search?max_results=1`, { headers: { authorization: 'Bearer tok-8c1f2e' } });
    assert.equal(authed.status, 200);
    assert.equal((await fetch(`${agent.url}/api/2.0/mlflow/experiments/search?max_results=1`)).status, 401);
    await fetch(`${agent.url}/?token=tok-8c1f2e`);
    await new Promise((r) => setTimeout(r, 200));
    assert.match(agent.output(), /token=\[redacted\]/);
    assert.doesNotMatch(agent.output(), /tok-8c1f2e/);
  } finally {
    agent.child.kill('SIGTERM');
    await agent.exited;
  }
});
