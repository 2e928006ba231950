/**
 * Nothing acknowledged is lost on `kill -9`: a child agent takes a stream of log-batch
 * requests, is killed mid-stream, restarts on the same store, and every point whose 200
 * arrived is there exactly once.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startAgentProcess, type AgentProcess } from '../support/agentProcess.js';
import { LiveTestClient } from '../support/liveClient.js';
import { fullHistory, get, newRun } from '../support/mlflowHttp.js';

const BATCH = 200;

/**
 * Kills an agent with SIGKILL while `writers` clients stream log-batch requests, optionally
 * deletes the lock file as a user might, restarts, logs more, restarts again, and checks that
 * every acknowledged point is there exactly once each time.
 */
async function crashUnderWriters(writers: number, removeLockFile: boolean): Promise<void> {
  const store = await mkdtemp(join(tmpdir(), 'lablog-crash-'));
  after(() => rm(store, { recursive: true, force: true }));
  let agent: AgentProcess = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  const { runId } = await newRun(agent.url, 'crash');

  const acked = new Set<number>();
  let nextStep = 0;
  let killed = false;
  const logSteps = async (url: string, first: number, n: number): Promise<boolean> => {
    const metrics = Array.from({ length: n }, (_, i) => ({ key: 'm', value: first + i, timestamp: 1_700_000_000_000 + first + i, step: first + i }));
    const res = await fetch(`${url}/api/2.0/mlflow/runs/log-batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ run_id: runId, metrics }),
    });
    await res.arrayBuffer();
    if (res.status === 200) for (const m of metrics) acked.add(m.step);
    return res.status === 200;
  };
  const writer = async (): Promise<void> => {
    while (!killed) {
      const first = nextStep;
      nextStep += BATCH;
      try {
        await logSteps(agent.url, first, BATCH);
      } catch {
        return; // the agent is gone
      }
    }
  };
  const running = Array.from({ length: writers }, writer);
  while (acked.size < 20_000) await new Promise((r) => setTimeout(r, 5));
  agent.child.kill('SIGKILL');
  killed = true;
  await agent.exited;
  await Promise.all(running);
  assert.ok(acked.size >= 20_000);
  if (removeLockFile) await rm(join(store, 'agent.lock'), { force: true });

  const checkStored = async (): Promise<void> => {
    const points = await fullHistory(agent.url, runId, 'm');
    const seen = new Map<number, number>();
    for (const p of points) seen.set(p.step, (seen.get(p.step) ?? 0) + 1);
    for (const step of acked) assert.equal(seen.get(step), 1, `acknowledged step ${step} must be stored exactly once`);
    for (const [step, n] of seen) assert.equal(n, 1, `step ${step} is stored ${n} times`);
    // the run's latest value agrees with the log after recovery
    const run = await get<{ run: { data: { metrics: Array<{ key: string; step: number }> } } }>(agent.url, 'runs/get', { run_id: runId });
    assert.equal(run.body.run.data.metrics[0]!.step, Math.max(...seen.keys()));
  };

  agent = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  try {
    await checkStored();
    // appends after recovery land where the store reads, and survive the next restart
    for (let i = 0; i < 3; i++) assert.ok(await logSteps(agent.url, nextStep + i * 10, 10));
    nextStep += 30;
    await checkStored();
    agent.child.kill('SIGTERM');
    assert.equal(await agent.exited, 0);
    agent = await startAgentProcess(['serve', '--port', '0', '--store', store]);
    await checkStored();
  } finally {
    agent.child.kill('SIGTERM');
    assert.equal(await agent.exited, 0);
  }
}

test('points acknowledged before SIGKILL are all there exactly once after restart', () => crashUnderWriters(4, false));

test('after SIGKILL under 20 writers and the lock file deleted by hand, recovery still runs: every acknowledged point once', () => crashUnderWriters(20, true));

test('a torn last line left by a crash is dropped on open, and the store still opens', async () => {
  const store = await mkdtemp(join(tmpdir(), 'lablog-torn-'));
  after(() => rm(store, { recursive: true, force: true }));
  let agent = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  const { runId } = await newRun(agent.url, 'torn');
  const res = await fetch(`${agent.url}/api/2.0/mlflow/runs/log-batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ run_id: runId, metrics: [0, 1, 2].map((s) => ({ key: 'loss', value: s / 10, timestamp: 1, step: s })) }),
  });
  assert.equal(res.status, 200);
  agent.child.kill('SIGKILL');
  await agent.exited;
  // what a crash in the middle of an append leaves behind
  await appendFile(join(store, 'runs', runId, 'metrics.jsonl'), '{"key":"loss","value":0.3,"times');

  agent = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  try {
    const points = await fullHistory(agent.url, runId, 'loss');
    assert.deepEqual(points.map((p) => p.step), [0, 1, 2]);
    const more = await fetch(`${agent.url}/api/2.0/mlflow/runs/log-metric`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ run_id: runId, key: 'loss', value: 0.9, timestamp: 2, step: 3 }),
    });
    assert.equal(more.status, 200);
    assert.deepEqual((await fullHistory(agent.url, runId, 'loss')).map((p) => p.step), [0, 1, 2, 3]);
  } finally {
    agent.child.kill('SIGTERM');
    await agent.exited;
  }
});

test('after a crash, a client batch the agent had committed is recognised when it is sent again', async () => {
  const store = await mkdtemp(join(tmpdir(), 'lablog-dedupe-'));
  after(() => rm(store, { recursive: true, force: true }));
  let agent = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  const { runId } = await newRun(agent.url, 'dedupe-crash');
  const batch = (seq: number) => ({
    type: 'log',
    id: `b${seq}`,
    run_id: runId,
    metrics: Array.from({ length: 100 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: seq * 100 + i })),
    batch: { client: 'trainer-1', seq },
  });
  let ws = await LiveTestClient.connect(agent.url);
  for (let seq = 0; seq < 5; seq++) ws.send(batch(seq));
  await ws.next((m) => m.type === 'ack' && m.id === 'b4');
  // killed right after the acks: the run summary has not been written since
  agent.child.kill('SIGKILL');
  await agent.exited;

  agent = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  try {
    ws = await LiveTestClient.connect(agent.url);
    ws.send(batch(3));
    ws.send(batch(4));
    ws.send(batch(5));
    await ws.next((m) => m.type === 'ack' && m.id === 'b5');
    assert.ok(ws.messages.some((m) => m.type === 'ack' && m.id === 'b3'));
    const steps = (await fullHistory(agent.url, runId, 'm')).map((p) => p.step);
    assert.deepEqual(steps, Array.from({ length: 600 }, (_, i) => i));
    await ws.close();
  } finally {
    agent.child.kill('SIGTERM');
    await agent.exited;
  }
});
