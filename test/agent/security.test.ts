/**
 * Local by default: DNS-rebinding and cross-origin requests are refused, a token guards an
 * agent bound off loopback, and the agent refuses to start off loopback without one.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAgent, requestGuard, type Agent } from 'lablog';
import { runCli } from '../support/agentProcess.js';

/** A raw GET, so the test controls the Host header (fetch does not let it). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('an agent on loopback', () => {
  let agent: Agent;
  let url: string;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lablog-sec-'));
    agent = await createAgent({ store: dir, allowOrigins: ['https://lab.example.org'] });
    url = await agent.listen(0);
  });
  after(async () => {
    await agent.close();
    await rm(dir, { recursive: true, force: true });
  });
  const search = () => `${url}/api/2.0/mlflow/experiments/get?experiment_id=0`;

  test('answers requests that name it as Host', async () => {
    const port = new URL(url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      assert.equal((await rawGet(search(), { host })).status, 200, host);
    }
  });

  test('refuses a foreign Host (DNS rebinding) with 403 and an MLflow error body', async () => {
    const r = await rawGet(search(), { host: 'evil.example.com' });
    assert.equal(r.status, 403);
    assert.equal(JSON.parse(r.body).error_code, 'PERMISSION_DENIED');
    assert.match(JSON.parse(r.body).message, /DNS rebinding/);
  });

  test('refuses a browser request from a foreign Origin', async () => {
    const r = await fetch(search(), { headers: { origin: 'https://evil.example.com' } });
    assert.equal(r.status, 403);
    assert.match(((await r.json()) as { message: string }).message, /--allow-origin/);
  });

  test('refuses a foreign Origin on writes too, and changes nothing', async () => {
    const r = await fetch(`${url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { origin: 'http://attacker.test', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'csrf' }),
    });
    assert.equal(r.status, 403);
    const byName = await fetch(`${url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=csrf`);
    assert.equal(byName.status, 404);
  });

  test('allows its own origin and --allow-origin ones, not other local web apps on other ports', async () => {
    for (const origin of [url, 'https://lab.example.org']) {
      const r = await fetch(search(), { headers: { origin } });
      assert.equal(r.status, 200, origin);
    }
    for (const origin of ['http://localhost:8888', 'http://127.0.0.1:3000']) {
      const r = await fetch(search(), { headers: { origin } });
      assert.equal(r.status, 403, origin);
      assert.match(((await r.json()) as { message: string }).message, /--allow-origin/);
    }
  });
});

describe('the Host check on every binding', () => {
  const guardFor = (host: string, allowHosts: string[] = []) => requestGuard({ host, allowOrigins: [], allowHosts });
  const allowed = (guard: (h: Record<string, string>, p: string) => void, host: string) => {
    try {
      guard({ host }, '/api/2.0/mlflow/experiments/search');
      return true;
    } catch {
      return false;
    }
  };

  test('an IPv6 literal binding answers requests to it (in brackets, any case)', async () => {
    const guard = guardFor('fd00::a1');
    assert.ok(allowed(guard, '[fd00::a1]:5454'));
    assert.ok(allowed(guard, '[FD00::A1]:5454'));
    assert.ok(!allowed(guard, 'evil.example.com:5454'));
  });

  test('0.0.0.0 accepts this machine\'s names and addresses and --allow-host ones, not any Host', async () => {
    const guard = guardFor('0.0.0.0', ['lablog.team.example']);
    assert.ok(allowed(guard, `${hostname()}:5454`));
    const first = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4');
    if (first) assert.ok(allowed(guard, `${first.address}:5454`));
    assert.ok(allowed(guard, 'lablog.team.example:5454'));
    assert.ok(!allowed(guard, 'attacker.example.com:5454'), 'DNS rebinding to a wildcard binding is refused');
  });
});

describe('CORS for pages on allowed origins', () => {
  let agent: Agent;
  let url: string;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lablog-cors-'));
    agent = await createAgent({ store: dir, token: 'tok', allowOrigins: ['http://localhost:8888', 'http://127.0.0.1:8888'] });
    url = await agent.listen(0);
  });
  after(async () => {
    await agent.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a preflight from an allowed origin is answered without the token, and allows Authorization', async () => {
    const r = await fetch(`${url}/api/2.0/mlflow/runs/log-batch`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:8888', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    assert.ok(r.status === 204 || r.status === 200, String(r.status));
    assert.equal(r.headers.get('access-control-allow-origin'), 'http://localhost:8888');
    assert.match(r.headers.get('access-control-allow-headers') ?? '', /authorization/);
  });

  test('an allowed cross-origin request gets CORS headers and exposes x-lablog-version', async () => {
    const r = await fetch(`${url}/api/2.0/mlflow/experiments/get?experiment_id=0`, { headers: { origin: 'http://127.0.0.1:8888', authorization: 'Bearer tok' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), 'http://127.0.0.1:8888');
    assert.match(r.headers.get('access-control-expose-headers') ?? '', /x-lablog-version/);
  });
});

describe('a token', () => {
  let agent: Agent;
  let url: string;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lablog-tok-'));
    agent = await createAgent({ store: dir, token: 's3cret' });
    url = await agent.listen(0);
  });
  after(async () => {
    await agent.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('is required as Authorization: Bearer on API requests', async () => {
    const path = `${url}/api/2.0/mlflow/experiments/get?experiment_id=0`;
    const none = await fetch(path);
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { error_code: string }).error_code, 'UNAUTHENTICATED');
    assert.equal((await fetch(path, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await fetch(path, { headers: { authorization: 'Bearer s3cret' } })).status, 200);
  });

  test('is not needed for /health', async () => {
    assert.equal((await fetch(`${url}/health`)).status, 200);
  });
});

describe('the CLI', () => {
  test('refuses to bind off loopback without a token, and creates no store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lablog-cli-'));
    after(() => rm(dir, { recursive: true, force: true }));
    const store = join(dir, 'store');
    const r = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--store', store], { LABLOG_TOKEN: '' });
    assert.notEqual(r.code, 0);
    assert.match(r.output, /token/);
    await assert.rejects(readdir(store));
  });

  test('prints its help', async () => {
    const r = await runCli(['serve', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.output, /--store DIR/);
    assert.match(r.output, /--allow-origin/);
  });

  test('says what is wrong with an unknown flag', async () => {
    const r = await runCli(['serve', '--prot', '1']);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /--prot/);
  });
});
