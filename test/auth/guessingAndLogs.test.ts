/**
 * Password guessing is slowed (each failure doubles the wait for that name and address, with
 * bounded memory), and no password, token or session id ever reaches the agent's log or output.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Throttle } from 'lablog';
import { startAgentProcess } from '../support/agentProcess.js';
import { engineMissing, startEngineAgent } from '../support/engines.js';
import { dropDatabase, freshDatabase } from '../support/postgres.js';
import { ADMIN, ADMIN_PASSWORD, addUser, basic, call } from './authHelpers.js';

const skip = await engineMissing('postgresql');

describe('password guessing', () => {
  test('each wrong password makes the next attempt for that user wait twice as long; the right one still works, after the wait', { skip }, async (t) => {
    const a = await startEngineAgent('postgresql', { auth: { adminPassword: ADMIN_PASSWORD, throttle: { baseMs: 150, maxMs: 1200 } } });
    t.after(() => a.close());
    await addUser(a, 'victim', 'correct-horse-1');
    const took: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const r = await call(a, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', undefined, basic('victim', `guess-${i}`));
      took.push(performance.now() - started);
      assert.equal(r.status, 401);
    }
    // the waits are minimums (what scrypt adds varies): 0, 150, 300, 600, 1200 ms
    for (const [i, least] of [0, 150, 300, 600, 1200].entries()) assert.ok(took[i]! >= least - 50, `attempt ${i + 1} took ${took[i]!.toFixed(0)} ms, less than ${least}`);
    const started = performance.now();
    const ok = await call(a, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', undefined, basic('victim', 'correct-horse-1'));
    assert.equal(ok.status, 200);
    assert.ok(performance.now() - started >= 1150, 'the right password also waits: the guesser cannot tell by speed');
    // the page's sign-in is slowed the same way: the address still has its failures (the user's
    // were cleared by the right password), its next slot one 1200 ms wait after the previous one
    const login = performance.now();
    assert.equal((await call(a, 'POST', '/api/2.0/lablog/auth/login', { username: 'victim', password: 'again-wrong' })).status, 401);
    assert.ok(performance.now() - login >= 600, `the sign-in after five failures took ${(performance.now() - login).toFixed(0)} ms`);
  });

  test('the throttle remembers a bounded number of names and addresses', () => {
    const th = new Throttle({ baseMs: 100, maxMs: 1000, maxKeys: 3, forgetMs: 60_000 });
    for (let i = 0; i < 10; i++) th.fail([`user:u${i}`]);
    assert.equal(th.size, 3);
    assert.equal(th.delay(['user:u0']), 0); // forgotten first
    assert.equal(th.delay(['user:u9']), 100);
    th.fail(['user:u9']);
    th.fail(['user:u9']);
    assert.equal(th.delay(['user:u9']), 400);
    th.succeed('user:u9');
    assert.equal(th.delay(['user:u9']), 0);
  });
});

test('guesses sent at once do not share a wait: each takes the next slot', async () => {
  const th = new Throttle({ baseMs: 100, maxMs: 1000, maxKeys: 10, forgetMs: 60_000 });
  th.fail(['user:v']);
  const started = performance.now();
  const done = await Promise.all([0, 1, 2, 3].map(() => th.wait(['user:v']).then(() => performance.now() - started)));
  done.sort((x, y) => x - y);
  // slots 100 ms apart, the first one wait after the failure
  for (const [i, least] of [100, 200, 300, 400].entries()) assert.ok(done[i]! >= least - 5, `guess ${i + 1} was checked after ${done[i]!.toFixed(0)} ms`);
});

describe('secrets in logs', { skip }, () => {
  test('with --log, no password, token or session id appears in anything the agent prints', async (t) => {
    const database = await freshDatabase();
    const files = await mkdtemp(join(tmpdir(), 'lablog-auth-log-'));
    t.after(async () => {
      await dropDatabase(database);
      await rm(files, { recursive: true, force: true });
    });
    const p = await startAgentProcess(['serve', '--port', '0', '--store', database, '--files', files, '--auth', '--log'], { LABLOG_ADMIN_PASSWORD: ADMIN_PASSWORD });
    t.after(() => {
      p.child.kill('SIGTERM');
      return p.exited;
    });
    const a = { url: p.url };
    const secrets = [ADMIN_PASSWORD, 'dana-password-42', 'wrong-guess-77'];
    await addUser(a, 'dana', 'dana-password-42');
    const dana = basic('dana', 'dana-password-42');
    await call(a, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'dana-exp' }, dana);
    await call(a, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', undefined, basic('dana', 'wrong-guess-77'));
    const token = (await call<{ token: string }>(a, 'POST', '/api/2.0/lablog/auth/tokens', { name: 'ci' }, dana)).body.token;
    secrets.push(token);
    await call(a, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', undefined, { authorization: `Bearer ${token}` });
    // a token in a URL (what a careless script might do) is redacted too
    await fetch(`${p.url}/api/2.0/mlflow/experiments/get?experiment_id=0&token=${token}`, { headers: ADMIN });
    const login = await fetch(`${p.url}/api/2.0/lablog/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'dana', password: 'dana-password-42' }) });
    const session = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    secrets.push(session.split('=')[1]!);
    await call(a, 'GET', '/api/2.0/lablog/auth/whoami', undefined, { cookie: session });
    await call(a, 'PATCH', '/api/2.0/mlflow/users/update-password', { username: 'dana', password: 'dana-password-43', current_password: 'dana-password-42' }, dana);
    secrets.push('dana-password-43', Buffer.from('dana:dana-password-42').toString('base64'));

    await new Promise((r) => setTimeout(r, 300)); // let the log lines arrive
    const out = p.output();
    assert.match(out, /experiments\/get/, 'requests are logged');
    for (const s of secrets) assert.ok(!out.includes(s), `a secret appears in the agent's output: ${s.slice(0, 4)}…`);
  });
});
