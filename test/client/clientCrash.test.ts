/**
 * The agent is killed (SIGKILL) while the client logs 100 000 points, then restarted on the
 * same store and port: the client spools while it is gone, resends what was in flight with
 * the same batch seq, and every point is stored exactly once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Lablog } from 'lablog/client';
import { startAgentProcess, type AgentProcess } from '../support/agentProcess.js';
import { fullHistory, get } from '../support/mlflowHttp.js';
import { freePort } from '../support/tcpProxy.js';

test('SIGKILL of the agent while the client logs 100 000 points: after a restart all are stored exactly once', async (t) => {
  const store = await mkdtemp(join(tmpdir(), 'lablog-crash-store-'));
  const spool = await mkdtemp(join(tmpdir(), 'lablog-crash-spool-'));
  t.after(() => Promise.all([rm(store, { recursive: true, force: true }), rm(spool, { recursive: true, force: true })]));
  const port = await freePort();
  const serve = () => startAgentProcess(['serve', '--port', String(port), '--store', store]);
  let agent: AgentProcess = await serve();
  t.after(async () => {
    agent.child.kill('SIGKILL');
    await agent.exited;
  });

  const lablog = new Lablog({ url: agent.url, spoolDir: spool, onError: null });
  t.after(() => lablog.close());
  const run = await lablog.startRun({ experiment: 'crash', runName: 'kill-9' });
  run.logParam('points', 100_000);

  const total = 100_000;
  let killedAt = -1;
  let restart: Promise<AgentProcess> | null = null;
  for (let step = 0; step < total; step++) {
    run.logMetric('loss', 1 / (step + 1), { step, timestamp: 1_700_000_000_000 + step });
    if (step % 1000 === 999) await new Promise((r) => setImmediate(r)); // a training loop yields now and then
    if (step === 30_000) {
      killedAt = step;
      const before = await lablog.flush({ timeoutMs: 0 });
      t.diagnostic(`killed with ${before.pending.batches} batches (${before.pending.points} points) not acknowledged`);
      agent.child.kill('SIGKILL');
      await agent.exited;
    }
    if (step === 60_000) restart = serve();
  }
  agent = await restart!;
  const report = await run.endRun('FINISHED', { timeoutMs: 60_000 });
  assert.ok(killedAt > 0);
  assert.equal(report.durable, true, JSON.stringify(report));
  assert.deepEqual(report.errors, []);

  const history = await fullHistory(agent.url, run.id, 'loss');
  assert.equal(history.length, total, 'no point lost, none stored twice');
  for (let i = 0; i < total; i++) {
    if (history[i]!.step !== i) assert.fail(`point ${i} has step ${history[i]!.step}`);
  }
  const got = await get<{ run: { info: { status: string } } }>(agent.url, 'runs/get', { run_id: run.id });
  assert.equal(got.body.run.info.status, 'FINISHED');
});
