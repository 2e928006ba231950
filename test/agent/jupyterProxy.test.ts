/**
 * What the Jupyter server's proxy relies on in the agent: requests it forwards keep Jupyter's
 * Host and are accepted only with the secret from the store's agent.json; the agent says where
 * it listens (for the kernels); `lablog serve --jupyter` forwards to an agent already serving
 * the store instead of starting a second one; agent.json goes away with its agent.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createServer, request } from 'node:http';
import { Lablog } from '@lablog/client';
import { createAgent, type Agent } from 'lablog';
import { spawn } from 'node:child_process';
import { CLI, startAgentProcess } from '../support/agentProcess.js';

let work: string;
let agent: Agent;
let url: string;
const SECRET = 'a'.repeat(64);

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'lablog-jupyter-proxy-'));
  agent = await createAgent({ store: join(work, 'store'), proxySecret: SECRET });
  url = await agent.listen(0);
});

after(async () => {
  await agent?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const AGENT_INFO = '/api/2.0/lablog/agent';

/** A request with headers fetch will not set (Host), as jupyter-server-proxy forwards it; resolves to the status. */
function send(path: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: body ? 'POST' : 'GET', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('the agent says where it listens', async () => {
  const res = await fetch(`${url}${AGENT_INFO}`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { url, version: res.headers.get('x-lablog-version') });
});

test("a request the proxy forwards keeps Jupyter's Host and Origin; without the secret, or with another, it is refused", async () => {
  const jupyter = { host: 'hub.example.org', origin: 'https://hub.example.org' };
  assert.equal(await send(AGENT_INFO, { ...jupyter, 'x-lablog-proxy': SECRET }), 200);
  for (const secret of [undefined, 'b'.repeat(64), SECRET.slice(1)]) {
    assert.equal(await send(AGENT_INFO, { ...jupyter, ...(secret ? { 'x-lablog-proxy': secret } : {}) }), 403, `secret ${secret}`);
  }
  const create = (origin: string) => send('/api/2.0/mlflow/experiments/create', { host: jupyter.host, origin, 'x-lablog-proxy': SECRET, 'content-type': 'application/json' }, JSON.stringify({ name: `e-${origin.length}` }));
  assert.equal(await create(jupyter.origin), 200);
  // the proxy leaves XSRF to the app: a page of another origin is still refused
  assert.equal(await create('https://evil.example.com'), 403);
});

test('the client sends extra headers on every request, read each time', async () => {
  const seen: Array<string | undefined> = [];
  const server = createServer((req, res) => {
    seen.push(req.headers['x-xsrftoken'] as string | undefined);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: 'http://127.0.0.1:1', version: 'x' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  let n = 0;
  const lablog = new Lablog({ url: `http://127.0.0.1:${port}/user/alice/lablog`, headers: () => ({ 'X-XSRFToken': `t${++n}` }), spoolDir: false, onError: null });
  try {
    await lablog.sessions.agentInfo();
    await lablog.sessions.agentInfo();
    assert.deepEqual(seen, ['t1', 't2']);
  } finally {
    await lablog.close({ timeoutMs: 0 });
    server.close();
  }
});

test('serve --jupyter forwards to the agent already serving the store; agent.json goes with its agent', async () => {
  const store = join(work, 'shared');
  const first = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  const info = JSON.parse(await readFile(join(store, 'agent.json'), 'utf8')) as { url: string; pid: number; proxy_secret: string };
  assert.deepEqual([info.url, info.pid], [first.url, first.child.pid]);
  assert.match(info.proxy_secret, /^[0-9a-f]{64}$/);
  // a second one on the store, on a port of its own: it forwards rather than failing on the store's lock
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const fwd = spawn(process.execPath, [CLI, 'serve', '--jupyter', '--port', String(port), '--store', store], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  fwd.stdout.on('data', (c: Buffer) => (out += c.toString()));
  try {
    for (let i = 0; i < 100 && !out.includes('forwarding'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(out, /already serves/);
    const res = await fetch(`http://127.0.0.1:${port}${AGENT_INFO}`);
    assert.equal(((await res.json()) as { url: string }).url, first.url);
  } finally {
    fwd.kill('SIGTERM');
    first.child.kill('SIGTERM');
    await first.exited;
  }
  assert.equal(existsSync(join(store, 'agent.json')), false);
});
