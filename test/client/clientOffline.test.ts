/**
 * The client when the agent is not there: calls are accepted and never throw or wait, what
 * cannot be sent goes to the spool file (memory stays bounded), and everything arrives once
 * an agent is back — also when the process that logged it has ended meanwhile.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createAgent, type Agent } from 'lablog';
import { Lablog } from 'lablog/client';
import { fullHistory, get } from '../support/mlflowHttp.js';
import { startAgent } from '../support/startAgent.js';
import { freePort, startTcpProxy } from '../support/tcpProxy.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function tempDir(t: { after(fn: () => unknown): void }, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function agentOn(t: { after(fn: () => unknown): void }, store: string, port: number): Promise<Agent> {
  const agent = await createAgent({ store });
  await agent.listen(port);
  t.after(() => agent.close());
  return agent;
}

test('with the agent down at start, calls are accepted and spooled; an agent started later on that port gets everything', async (t) => {
  const port = await freePort();
  const spool = await tempDir(t, 'lablog-spool-');
  const store = await tempDir(t, 'lablog-store-');
  const lablog = new Lablog({ url: `http://127.0.0.1:${port}`, spoolDir: spool, maxQueuedBytes: 256 * 1024, onError: null });
  t.after(() => lablog.close());

  const t0 = performance.now();
  const run = await lablog.startRun({ experiment: 'offline', runName: 'no-agent-yet' });
  assert.ok(performance.now() - t0 < 2000, 'startRun does not wait for an absent agent');
  assert.match(run.id, /^[0-9a-f]{32}$/);
  run.logParams({ lr: 0.01 });
  const t1 = performance.now();
  for (let step = 0; step < 50_000; step++) run.logMetric('loss', 1 / (step + 1), { step });
  assert.ok(performance.now() - t1 < 2000, 'logging does not wait either');

  const early = await run.flush({ timeoutMs: 200 });
  assert.equal(early.durable, false);
  assert.equal(early.pending.points, 50_000);
  assert.ok(early.spoolFile, 'what is pending is in the spool file');
  assert.ok((await stat(early.spoolFile)).size > 1024 * 1024, 'the spool, not memory, holds the points');

  await agentOn(t, store, port);
  const report = await run.endRun('FINISHED', { timeoutMs: 20_000 });
  assert.deepEqual(report, { durable: true, pending: { ops: 0, batches: 0, points: 0 }, spoolFile: null, errors: [] });
  await assert.rejects(stat(early.spoolFile), { code: 'ENOENT' });

  const url = `http://127.0.0.1:${port}`;
  const got = await get<{ run: { info: { status: string; run_name: string }; data: { params?: unknown[] } } }>(url, 'runs/get', { run_id: run.id });
  assert.equal(got.body.run.info.status, 'FINISHED');
  assert.equal(got.body.run.info.run_name, 'no-agent-yet');
  assert.deepEqual(got.body.run.data.params, [{ key: 'lr', value: '0.01' }]);
  const history = await fullHistory(url, run.id, 'loss');
  assert.deepEqual(history.map((p) => p.step), Array.from({ length: 50_000 }, (_, i) => i));
});

test('when connections drop mid-run (batches in flight), the client resends them and each point is stored once', async (t) => {
  const a = await startAgent();
  t.after(() => a.close());
  const proxy = await startTcpProxy(Number(new URL(a.url).port));
  t.after(() => proxy.close());
  const spool = await tempDir(t, 'lablog-spool-');
  const lablog = new Lablog({ url: proxy.url, spoolDir: spool, onError: null });
  t.after(() => lablog.close());
  const run = await lablog.startRun({ experiment: 'flaky-network' });
  const total = 60_000;
  for (let step = 0; step < total; step++) {
    run.logMetric('m', step, { step });
    if (step % 2000 === 1999) await new Promise((r) => setImmediate(r));
    if (step === 15_000 || step === 30_000) proxy.cut();
    if (step === 40_000) {
      proxy.refuse(true);
      proxy.cut();
    }
    if (step === 50_000) proxy.refuse(false);
  }
  const report = await run.endRun('FINISHED', { timeoutMs: 20_000 });
  assert.equal(report.durable, true);
  assert.deepEqual(report.errors, []);
  assert.ok(proxy.accepted >= 4, `reconnected (${proxy.accepted} connections)`);
  const history = await fullHistory(a.url, run.id, 'm');
  assert.equal(history.length, total);
  assert.deepEqual(history.map((p) => p.step), Array.from({ length: total }, (_, i) => i));
});

test('a process that ends while the agent is down exits by itself and leaves its spool; the next client replays it', async (t) => {
  const port = await freePort();
  const spool = await tempDir(t, 'lablog-spool-');
  const store = await tempDir(t, 'lablog-store-');
  const url = `http://127.0.0.1:${port}`;
  // a script that logs and ends without flushing or closing anything
  const script = `
    import { Lablog } from 'lablog/client';
    const run = await new Lablog({ url: ${JSON.stringify(url)}, spoolDir: ${JSON.stringify(spool)}, onError: null }).startRun({ experiment: 'left-behind' });
    run.logParam('seed', 7);
    for (let step = 0; step < 3000; step++) run.logMetric('acc', step / 3000, { step });
    process.stdout.write(run.id);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let runId = '';
  child.stdout.on('data', (d: Buffer) => (runId += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the script did not exit while the agent was down')), 15_000);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.equal(code, 0);
  assert.match(runId, /^[0-9a-f]{32}$/);
  const left = (await readdir(spool)).filter((f) => f.endsWith('.spool'));
  assert.equal(left.length, 1, 'its spool file is left');

  await agentOn(t, store, port);
  const next = new Lablog({ url, spoolDir: spool, onError: null });
  t.after(() => next.close());
  // the next client replays it when it starts, before it logs anything itself
  const deadline = Date.now() + 15_000;
  let history: Awaited<ReturnType<typeof fullHistory>> = [];
  while (Date.now() < deadline) {
    await next.flush({ timeoutMs: 1000 });
    const r = await get(url, 'runs/get', { run_id: runId });
    if (r.status === 200 && (history = await fullHistory(url, runId, 'acc')).length === 3000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(history.length, 3000);
  assert.deepEqual(history.map((p) => p.step), Array.from({ length: 3000 }, (_, i) => i));
  const r = await get<{ run: { data: { params?: unknown[] } } }>(url, 'runs/get', { run_id: runId });
  assert.deepEqual(r.body.run.data.params, [{ key: 'seed', value: '7' }]);
  await next.close();
  assert.deepEqual((await readdir(spool).catch(() => [])).filter((f) => f.includes('.spool')), [], 'the replayed spool is gone');
});

test('a script that ends without flush or close still delivers everything, then exits by itself', async (t) => {
  const a = await startAgent();
  t.after(() => a.close());
  const spool = await tempDir(t, 'lablog-spool-');
  const script = `
    import { Lablog } from 'lablog/client';
    const run = await new Lablog({ url: ${JSON.stringify(a.url)}, spoolDir: ${JSON.stringify(spool)} }).startRun({ experiment: 'no-flush' });
    for (let step = 0; step < 20000; step++) run.logMetric('m', step, { step });
    run.setTag('last', 'yes');
    process.stdout.write(run.id);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let runId = '';
  child.stdout.on('data', (d: Buffer) => (runId += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the script did not exit'));
    }, 15_000);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.equal(code, 0);
  assert.equal((await fullHistory(a.url, runId, 'm')).length, 20_000);
  const r = await get<{ run: { data: { tags?: Array<{ key: string; value: string }> } } }>(a.url, 'runs/get', { run_id: runId });
  assert.equal(r.body.run.data.tags?.find((x) => x.key === 'last')?.value, 'yes');
  assert.deepEqual(await readdir(spool), [], 'nothing was left in a spool');
});

test('a spool folder that cannot be written is reported, never thrown; the queue stays in memory until the agent is back', async (t) => {
  const port = await freePort();
  const store = await tempDir(t, 'lablog-store-');
  const lablog = new Lablog({ url: `http://127.0.0.1:${port}`, spoolDir: '/dev/null/spool', onError: null });
  t.after(() => lablog.close());
  const run = await lablog.startRun({ experiment: 'no-spool-possible' });
  for (let step = 0; step < 5000; step++) run.logMetric('m', step, { step });
  const early = await run.flush({ timeoutMs: 200 });
  assert.equal(early.durable, false);
  assert.equal(early.spoolFile, null);
  assert.equal(early.pending.points, 5000);
  assert.ok(early.errors.some((e) => e.error_code === 'SPOOL_FAILED'), JSON.stringify(early.errors));
  await agentOn(t, store, port);
  const report = await run.endRun('FINISHED', { timeoutMs: 20_000 });
  assert.equal(report.durable, true);
  assert.equal((await fullHistory(`http://127.0.0.1:${port}`, run.id, 'm')).length, 5000);
});
