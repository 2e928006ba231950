/**
 * The agent keeps at most a set number of run logs open: with `LABLOG_MAX_OPEN_FILES=40`, an agent
 * process that logs to 400 runs holds about 40 descriptors for them, not 400 — and every point is
 * still there, including those logged to a run whose file was closed and opened again. Before the
 * cap, a store of ~19 000 runs ran the agent out of descriptors (runs/create answered 503).
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startAgentProcess } from '../support/agentProcess.js';
import { fullHistory, post } from '../support/mlflowHttp.js';

const RUNS = 400;
const CAP = 40;

test(`${RUNS} runs logged through an agent capped at ${CAP} open files: its descriptors stay near the cap, and no point is lost`, async (t) => {
  const store = await mkdtemp(join(tmpdir(), 'lablog-fd-'));
  const agent = await startAgentProcess(['serve', '--store', store, '--port', '0'], { LABLOG_MAX_OPEN_FILES: String(CAP) });
  t.after(async () => {
    agent.child.kill('SIGTERM');
    await agent.exited;
    await rm(store, { recursive: true, force: true });
  });
  const fds = async () => (await readdir(`/proc/${agent.child.pid}/fd`)).length;
  const before = await fds();
  const exp = await post<{ experiment_id: string }>(agent.url, 'experiments/create', { name: 'fds' });
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: exp.body.experiment_id, start_time: 1 });
    assert.equal(r.status, 200);
    ids.push(r.body.run.info.run_id);
    const b = await post(agent.url, 'runs/log-batch', { run_id: ids[i], metrics: [{ key: 'loss', value: i, step: 0, timestamp: 1 }] });
    assert.equal(b.status, 200);
  }
  const after = await fds();
  assert.ok(after - before <= CAP + 20, `descriptors grew by ${after - before} for ${RUNS} runs (cap ${CAP})`);
  // the first runs' files were closed long ago: logging to them again opens them again
  for (const i of [0, 1, 2]) assert.equal((await post(agent.url, 'runs/log-batch', { run_id: ids[i], metrics: [{ key: 'loss', value: 1000 + i, step: 1, timestamp: 2 }] })).status, 200);
  for (const i of [0, 1, 2, 199, RUNS - 1]) {
    const h = await fullHistory(agent.url, ids[i]!, 'loss');
    assert.deepEqual(h.map((m) => m.value), i < 3 ? [i, 1000 + i] : [i]);
  }
});
