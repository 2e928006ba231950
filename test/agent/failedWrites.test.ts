/**
 * A failed write changes nothing, and the agent heals by itself: with the disk full or the
 * file descriptors used up, a refused request leaves no trace (the MLflow client's retry of an
 * experiments/create then succeeds instead of finding the experiment already there), and once
 * space or descriptors are back the same requests succeed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lablogCommand, startAgentProcess, type AgentProcess } from '../support/agentProcess.js';
import { fullHistory, get, newRun, post } from '../support/mlflowHttp.js';

/** A small tmpfs of our own, so the disk can be filled without touching the machine's. */
function smallDisk(): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'lablog-fulldisk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  after(async () => {
    execFileSync('umount', ['-l', dir]);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

function fillDisk(path: string): void {
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) appendFileSync(path, chunk);
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  }
}

async function stop(agent: AgentProcess): Promise<void> {
  agent.child.kill('SIGTERM');
  assert.equal(await agent.exited, 0);
}

type RunBody = { run: { info: { status: string }; data: { params?: Array<{ key: string; value: string }>; tags?: Array<{ key: string; value: string }> } } };

const disk = process.platform === 'linux' && process.getuid?.() === 0 ? smallDisk() : null;

test('with the disk full, refused writes change nothing, and the same writes succeed once there is space', { skip: disk ? false : 'needs root to mount a small tmpfs' }, async () => {
  const store = join(disk!, 'store');
  let agent = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  const { runId } = await newRun(agent.url, 'full');
  const filler = join(disk!, 'filler');
  fillDisk(filler);

  // a record larger than a page: a small append may still fit the log's last page of a full disk
  const created = { name: 'made-while-full', tags: [{ key: 'note', value: 'n'.repeat(4500) }] };
  const create = await post(agent.url, 'experiments/create', created);
  assert.ok(create.status >= 500, `experiments/create on a full disk: ${create.status}`);
  assert.ok('error_code' in create.body);
  assert.equal((await get(agent.url, 'experiments/get-by-name', { experiment_name: 'made-while-full' })).status, 404);
  assert.ok((await post(agent.url, 'runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status >= 500);
  assert.ok((await post(agent.url, 'runs/set-tag', { run_id: runId, key: 'stage', value: 'full' })).status >= 500);
  assert.ok((await post(agent.url, 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() })).status >= 500);
  const metrics = Array.from({ length: 500 }, (_, i) => ({ key: 'loss', value: i, timestamp: 1, step: i }));
  assert.ok((await post(agent.url, 'runs/log-batch', { run_id: runId, metrics })).status >= 500);
  assert.ok((await post(agent.url, 'registered-models/create', { name: 'full-model' })).status >= 500);
  assert.equal((await get(agent.url, 'registered-models/get', { name: 'full-model' })).status, 404);
  let run = (await get<RunBody>(agent.url, 'runs/get', { run_id: runId })).body.run;
  assert.equal(run.info.status, 'RUNNING');
  assert.equal(run.data.params, undefined);
  assert.ok(!(run.data.tags ?? []).some((t) => t.key === 'stage'));
  assert.deepEqual(await fullHistory(agent.url, runId, 'loss'), []);

  await rm(filler);
  assert.equal((await post(agent.url, 'experiments/create', created)).status, 200, 'the retried create succeeds');
  assert.equal((await post(agent.url, 'runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status, 200);
  assert.equal((await post(agent.url, 'runs/set-tag', { run_id: runId, key: 'stage', value: 'full' })).status, 200);
  assert.equal((await post(agent.url, 'runs/log-batch', { run_id: runId, metrics })).status, 200);
  assert.equal((await post(agent.url, 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() })).status, 200);
  assert.equal((await post(agent.url, 'registered-models/create', { name: 'full-model' })).status, 200);
  await stop(agent);

  agent = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  try {
    run = (await get<RunBody>(agent.url, 'runs/get', { run_id: runId })).body.run;
    assert.equal(run.info.status, 'FINISHED');
    assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }]);
    assert.ok((run.data.tags ?? []).some((t) => t.key === 'stage' && t.value === 'full'));
    assert.deepEqual((await fullHistory(agent.url, runId, 'loss')).map((p) => p.step), metrics.map((m) => m.step));
    assert.equal((await get(agent.url, 'experiments/get-by-name', { experiment_name: 'made-while-full' })).status, 200);
    assert.equal((await get(agent.url, 'registered-models/get', { name: 'full-model' })).status, 200);
  } finally {
    await stop(agent);
  }
});

/** One keep-alive connection for the test's own requests, opened before the descriptors run out. */
function keptConnection(base: string): (method: string, path: string, body?: unknown) => Promise<{ status: number; body: string }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  after(() => agent.destroy());
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const req = http.request(`${base}${path}`, { method, agent, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
}

test('with file descriptors used up, a run whose metric log could not be opened heals once they are back', { skip: process.platform === 'linux' ? false : 'ulimit and /proc are Linux here' }, async () => {
  const store = mkdtempSync(join(tmpdir(), 'lablog-emfile-'));
  const cmd = lablogCommand(['serve', '--port', '0', '--store', store]).map((a) => `'${a}'`).join(' ');
  const child = spawn('sh', ['-c', `ulimit -n 128 && exec ${cmd}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  after(() => child.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /lablog agent on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(out)));
  });
  const { runId } = await newRun(url, 'emfile');
  const call = keptConnection(url);
  assert.equal((await call('GET', '/health')).status, 200);

  // every descriptor the agent has left goes to idle connections
  const flood: Socket[] = [];
  for (let i = 0; i < 200; i++) {
    const s = connect(Number(new URL(url).port), '127.0.0.1');
    s.on('error', () => undefined);
    flood.push(s);
  }
  const openFds = (): number => {
    try {
      return execFileSync('ls', [`/proc/${child.pid}/fd`]).toString().split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  for (let i = 0; i < 100 && openFds() < 120; i++) await new Promise((r) => setTimeout(r, 20));

  const batch = { run_id: runId, metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }] };
  const refused = await call('POST', '/api/2.0/mlflow/runs/log-batch', batch);
  assert.ok(refused.status >= 500, `log-batch with no descriptor left: ${refused.status} ${refused.body}`);
  assert.match(refused.body, /"error_code"/);

  for (const s of flood) s.destroy();
  await new Promise((r) => setTimeout(r, 300));
  const healed = await call('POST', '/api/2.0/mlflow/runs/log-batch', batch);
  assert.equal(healed.status, 200, healed.body);
  assert.deepEqual((await fullHistory(url, runId, 'm')).map((p) => p.step), [0]);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  await rm(store, { recursive: true, force: true });
});
