/**
 * Turning users on: `--auth` needs the PostgreSQL store and a first admin, and says so; a local
 * agent without `--auth` asks nobody to sign in.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createAgent } from 'lablog';
import { runCli } from '../support/agentProcess.js';
import { engineMissing } from '../support/engines.js';
import { dropDatabase, freshDatabase } from '../support/postgres.js';
import { startAgent } from '../support/startAgent.js';

test('--auth on a folder store is refused, naming what it needs', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lablog-auth-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const { code, output } = await runCli(['serve', '--port', '0', '--store', dir, '--auth']);
  assert.equal(code, 2);
  assert.match(output, /--auth needs the team server's PostgreSQL store/);
  await assert.rejects(createAgent({ store: dir, auth: { adminPassword: 'x' } }), /need the team server's PostgreSQL store/);
});

test('--auth on a database without an admin, and no LABLOG_ADMIN_PASSWORD, stops with a clear message', { skip: await engineMissing('postgresql') }, async (t) => {
  const database = await freshDatabase();
  const files = await mkdtemp(join(tmpdir(), 'lablog-auth-'));
  t.after(async () => {
    await dropDatabase(database);
    await rm(files, { recursive: true, force: true });
  });
  const { code, output } = await runCli(['serve', '--port', '0', '--store', database, '--files', files, '--auth'], { LABLOG_ADMIN_PASSWORD: '' });
  assert.equal(code, 1);
  assert.match(output, /no admin yet: give the first admin's password in LABLOG_ADMIN_PASSWORD/);
});

test('a local agent (no --auth) needs no sign-in, and says so to the page', async (t) => {
  const a = await startAgent();
  t.after(() => a.close());
  const who = await fetch(`${a.url}/api/2.0/lablog/auth/whoami`);
  assert.deepEqual(await who.json(), { auth: false });
  const search = await fetch(`${a.url}/api/2.0/mlflow/experiments/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(search.status, 200);
  assert.equal(a.agent.auth, undefined);
});
