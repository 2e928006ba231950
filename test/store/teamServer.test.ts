/**
 * Several agents on one PostgreSQL database are one server: two `lablog serve` processes on the
 * same database, a viewer on agent A, values logged through agent B. The viewer sees them live,
 * in commit order, and after agent A restarts it resumes from the last seq it saw — no snapshot,
 * nothing missed, nothing twice — because the feed's numbers and epoch are the database's.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ServerMessage } from '@lablog/schema';
import { startAgentProcess, type AgentProcess } from '../support/agentProcess.js';
import { engineMissing } from '../support/engines.js';
import { LiveTestClient } from '../support/liveClient.js';
import { get, newRun, post } from '../support/mlflowHttp.js';
import { dropDatabase, freshDatabase } from '../support/postgres.js';

type EventMsg = Extract<ServerMessage, { type: 'event' }>;
const stepsOf = (events: EventMsg[]) => events.flatMap((e) => (e.event.kind === 'metrics' ? e.event.metrics.map((p) => p.step) : []));

describe('a team server: two agents on one database', async () => {
  const skip = await engineMissing('postgresql');
  let database = '';
  const folders: string[] = [];
  const agents: AgentProcess[] = [];
  /** Starts `lablog serve` on the shared database, with a files folder of its own. */
  const serve = async () => {
    const files = await mkdtemp(join(tmpdir(), 'lablog-team-'));
    folders.push(files);
    const p = await startAgentProcess(['serve', '--port', '0', '--store', database, '--files', files]);
    agents.push(p);
    return p;
  };
  const stop = async (p: AgentProcess) => {
    p.child.kill('SIGTERM');
    await p.exited;
  };
  before(async () => {
    if (!skip) database = await freshDatabase();
  });
  after(async () => {
    for (const p of agents) if (p.child.exitCode === null) await stop(p);
    for (const f of folders) await rm(f, { recursive: true, force: true });
    if (database) await dropDatabase(database);
  });

  test('a viewer on agent A sees what agent B commits, live and in order, and resumes by seq across A restarting', { skip }, async (t) => {
    const [a, b] = [await serve(), await serve()];
    const { experimentId, runId } = await newRun(b.url, 'team');
    assert.equal((await get<{ run: { info: { experiment_id: string } } }>(a.url, 'runs/get', { run_id: runId })).body.run.info.experiment_id, experimentId);

    const viewer = await LiveTestClient.connect(a.url);
    viewer.send({ type: 'subscribe', id: 'v', scope: { kind: 'experiment', experiment_id: experimentId }, snapshot: true });
    const snap = await viewer.next<Extract<ServerMessage, { type: 'snapshot' }>>((m) => m.type === 'snapshot');
    assert.match(snap.epoch, /^pg-/);

    // points logged through B, one request at a time, and a param and a tag between them
    const latencies: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      assert.equal((await post(b.url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'loss', value: 1 / (i + 1), timestamp: Date.now(), step: i }] })).status, 200);
      await viewer.next((m) => m.type === 'event' && m.event.kind === 'metrics' && m.event.metrics.some((p) => p.step === i));
      latencies.push(performance.now() - t0);
    }
    await post(b.url, 'runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' });
    await viewer.next((m) => m.type === 'event' && m.event.kind === 'params');
    latencies.sort((x, y) => x - y);
    t.diagnostic(`log through B → viewer on A: p50 ${latencies[20]!.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms (request included)`);

    // two writers at once, through both agents: the viewer gets one order, the database's
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => post(a.url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'a', value: i, timestamp: 1, step: i }] })),
      ...Array.from({ length: 10 }, (_, i) => post(b.url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'b', value: i, timestamp: 1, step: i }] })),
    ]);
    await viewer.next(() => viewer.events('v').filter((e) => e.event.kind === 'metrics' && ['a', 'b'].includes(e.event.metrics[0]!.key)).length === 20, 10_000);
    const events = viewer.events('v');
    const seqs = events.map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in seq order');
    assert.equal(new Set(seqs).size, seqs.length, 'no event twice');
    assert.deepEqual(stepsOf(events.filter((e) => e.event.kind === 'metrics' && e.event.metrics[0]!.key === 'loss')), Array.from({ length: 40 }, (_, i) => i));
    const lastSeen = seqs.at(-1)!;
    await viewer.close();

    // agent A goes away; B goes on logging; a new agent A' on the same database serves the viewer again
    await stop(a);
    for (let i = 40; i < 45; i++) await post(b.url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'loss', value: 0, timestamp: 1, step: i }] });
    const a2 = await serve();
    const back = await LiveTestClient.connect(a2.url);
    back.send({ type: 'subscribe', id: 'r', scope: { kind: 'experiment', experiment_id: experimentId }, since: lastSeen, epoch: snap.epoch });
    const sub = await back.next<Extract<ServerMessage, { type: 'subscribed' | 'resync' }>>((m) => m.type === 'subscribed' || m.type === 'resync');
    assert.equal(sub.type, 'subscribed', 'resumed, not told to resync');
    await post(b.url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'loss', value: 0, timestamp: 1, step: 45 }] });
    await back.next((m) => m.type === 'event' && m.event.kind === 'metrics' && m.event.metrics.some((p) => p.step === 45));
    const resumed = back.events('r');
    assert.equal(resumed[0]!.seq, lastSeen + 1, 'starts right after the last seq seen');
    assert.deepEqual(stepsOf(resumed), [40, 41, 42, 43, 44, 45]);
    await back.close();
  });
});
