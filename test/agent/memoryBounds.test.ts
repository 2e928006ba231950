/**
 * Memory stays bounded whatever a client sends. Each attack runs against a real agent process
 * (`lablog serve`) with its RSS sampled throughout; the agent must stay under the stated bound
 * and keep answering `/health`. Before these bounds, the snapshot flood took an agent from
 * 114 MB to 4 GB, and 20 session registrations kept 1.26 GB for good.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import WebSocket from 'ws';
import { startAgentProcess, type AgentProcess } from '../support/agentProcess.js';
import { watchHealth } from '../support/healthWatch.js';
import { newRun, post } from '../support/mlflowHttp.js';
import { PYTHON_SESSION, notebook, registerSession, sendJson, sessionPath } from '../support/notebookHttp.js';
import { rssMb, sampleRss } from '../support/processMemory.js';

/** The most an agent under attack may take, in MB: its own ~100 MB plus what the limits allow in flight. */
const BOUND_MB = {
  /** One connection's snapshot and high-water mark, whatever it asks. */
  snapshotFlood: 400,
  /** Connections beyond the cap are refused before they cost anything. */
  connections: 400,
  /** Two large bodies read and parsed at once (64 MB notebook snapshots), the rest wait. */
  largeBodies: 1100,
  /** Registrations keep their package lists on disk. */
  sessions: 400,
};

// each attack gets an agent of its own, so none pays for the garbage of another
let agent: AgentProcess;
let store: string;
let pid: number;
beforeEach(async () => {
  store = await mkdtemp(join(tmpdir(), 'lablog-memory-'));
  agent = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  pid = agent.child.pid!;
});
afterEach(async () => {
  agent.child.kill('SIGTERM');
  await agent.exited;
  await rm(store, { recursive: true, force: true });
});

/** Runs `attack` with the agent's RSS sampled and `/health` asked throughout; returns the peak RSS (MB). */
async function underAttack(t: { diagnostic(s: string): void }, name: string, attack: () => Promise<void>): Promise<number> {
  const before = await rssMb(pid);
  const rss = sampleRss(pid);
  const health = watchHealth(agent.url);
  let peak = 0;
  let watched = { answered: 0, failures: [] as string[] };
  try {
    await attack();
  } finally {
    peak = await rss.stop();
    watched = await health.stop();
  }
  const { answered, failures } = watched;
  t.diagnostic(`${name}: RSS ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB at most; /health answered ${answered} times`);
  assert.deepEqual(failures, [], '/health answered throughout');
  assert.ok(answered > 0);
  return peak;
}

/** `n` tasks, `width` at a time. */
async function inParallel(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await task(next++);
  }));
}

function openWs(url: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
}

test('a client that stops reading and asks for 3,000 snapshots of a 1.5 MB scope', async (t) => {
  // 600 runs with 30 params each: a snapshot of everything is ~1.5 MB
  const { experimentId } = await newRun(agent.url, 'flood');
  const params = Array.from({ length: 30 }, (_, i) => ({ key: `param_${i}`, value: `value-${i}-${'v'.repeat(40)}` }));
  await inParallel(600, 8, async () => {
    const run = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: experimentId, start_time: Date.now() });
    assert.equal((await post(agent.url, 'runs/log-batch', { run_id: run.body.run.info.run_id, params })).status, 200);
  });

  const ws = new WebSocket(`${agent.url.replace(/^http/, 'ws')}/ws`);
  await new Promise((r) => ws.once('message', r)); // welcome (may come in the same read as the upgrade)
  (ws as unknown as { _socket: Socket })._socket.pause();
  const peak = await underAttack(t, 'snapshot flood', async () => {
    for (let i = 0; i < 3000; i++) ws.send(JSON.stringify({ type: 'subscribe', id: `s${i}`, scope: { kind: 'all' }, snapshot: true }));
    await new Promise((r) => setTimeout(r, 4000));
  });
  // the flood was served, one snapshot at a time, to a client that reads again
  const snapshot = new Promise<number>((resolve) => ws.on('message', (data: Buffer) => data.subarray(0, 20).toString().includes('"snapshot"') && resolve(data.length)));
  (ws as unknown as { _socket: Socket })._socket.resume();
  const size = await snapshot;
  t.diagnostic(`one snapshot: ${(size / 1e6).toFixed(2)} MB`);
  assert.ok(size > 1_000_000);
  ws.terminate();
  assert.ok(peak < BOUND_MB.snapshotFlood, `peak RSS ${peak.toFixed(0)} MB < ${BOUND_MB.snapshotFlood} MB`);
});

test('300 WebSocket connections: those past the cap are refused with a 503', async (t) => {
  const open: WebSocket[] = [];
  let refused = 0;
  const peak = await underAttack(t, '300 live connections', async () => {
    await inParallel(300, 20, async () => {
      try {
        open.push(await openWs(agent.url));
      } catch (err) {
        assert.match(String(err), /upgrade refused: 503/);
        refused++;
      }
    });
  });
  for (const ws of open) ws.terminate();
  assert.equal(open.length, 128, 'the default cap');
  assert.equal(refused, 172);
  assert.ok(peak < BOUND_MB.connections, `peak RSS ${peak.toFixed(0)} MB < ${BOUND_MB.connections} MB`);
});

test('8 parallel 64 MB bodies: refused by small routes at once, read two at a time by the notebook route', async (t) => {
  await registerSession(agent.url, 'big-notebooks');
  const big = Buffer.from(JSON.stringify({ name: 'x'.repeat(64 * 1024 * 1024 - 20) }));
  const nb = Buffer.from(JSON.stringify(notebook('y'.repeat(60 * 1024 * 1024))));
  const statuses: number[] = [];
  const peak = await underAttack(t, '8 × 64 MB bodies', async () => {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        // refused from its Content-Length, before it is read: the agent answers 413 and closes the
        // connection, which a client still sending may see as a reset before it reads the answer
        const r = await fetch(`${agent.url}/api/2.0/mlflow/experiments/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big }).catch(() => null);
        statuses.push(r?.status ?? 413);
        await r?.arrayBuffer();
      }),
    );
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const r = await fetch(`${agent.url}${sessionPath('big-notebooks', '/notebook')}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: nb });
        statuses.push(r.status);
        await r.arrayBuffer();
      }),
    );
  });
  assert.deepEqual(statuses, [...Array(8).fill(413), ...Array(8).fill(200)]);
  assert.ok(peak < BOUND_MB.largeBodies, `peak RSS ${peak.toFixed(0)} MB < ${BOUND_MB.largeBodies} MB`);
});

test('100 session registrations with 1.9 MB package lists keep the lists on disk, not in memory; a 46 MB list is refused', async (t) => {
  const packages = Array.from({ length: 19_000 }, (_, i) => `package-${i}==${'1.0.'.repeat(20)}${i}`);
  const huge = await sendJson(agent.url, 'PUT', sessionPath('huge'), { ...PYTHON_SESSION, packages: Array(20).fill(packages).flat() });
  assert.equal(huge.status, 413);
  const start = await rssMb(pid);
  const peak = await underAttack(t, '100 sessions × 1.9 MB packages', async () => {
    await inParallel(100, 8, async (i) => {
      const r = await sendJson(agent.url, 'PUT', sessionPath(`heavy-${i}`), { ...PYTHON_SESSION, packages });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    });
  });
  const got = await sendJson<{ packages: string[] }>(agent.url, 'GET', sessionPath('heavy-7'));
  assert.equal(got.body.packages.length, packages.length, 'the list reads back from disk');
  t.diagnostic(`RSS ${start.toFixed(0)} MB before the registrations, ${(await rssMb(pid)).toFixed(0)} MB after`);
  assert.ok(peak < BOUND_MB.sessions, `peak RSS ${peak.toFixed(0)} MB < ${BOUND_MB.sessions} MB`);
});
