/**
 * The agent process: one agent per store, clean stop on SIGTERM/SIGINT with everything flushed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli, startAgentProcess } from '../support/agentProcess.js';
import { get, newRun, post } from '../support/mlflowHttp.js';

test('a second agent on the same store exits at once with a clear message and the first keeps working', async () => {
  const store = await mkdtemp(join(tmpdir(), 'lablog-lock-'));
  after(() => rm(store, { recursive: true, force: true }));
  const first = await startAgentProcess(['serve', '--port', '0', '--store', store]);
  try {
    const { runId } = await newRun(first.url, 'locked');
    const experimentsBefore = await readFile(join(store, 'meta', 'experiments.jsonl'), 'utf8');
    const second = await runCli(['serve', '--port', '0', '--store', store]);
    assert.notEqual(second.code, 0);
    assert.match(second.output, new RegExp(`in use by the lablog agent with pid ${first.child.pid} at ${first.url.replace(/[.]/g, '\\.')}`));
    assert.equal(await readFile(join(store, 'meta', 'experiments.jsonl'), 'utf8'), experimentsBefore);
    const r = await post(first.url, 'runs/log-parameter', { run_id: runId, key: 'p', value: '1' });
    assert.equal(r.status, 200);
  } finally {
    first.child.kill('SIGTERM');
    await first.exited;
  }
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} flushes everything and exits 0; the store reopens with all data`, async () => {
    const store = await mkdtemp(join(tmpdir(), 'lablog-sig-'));
    after(() => rm(store, { recursive: true, force: true }));
    const agent = await startAgentProcess(['serve', '--port', '0', '--store', store]);
    const { runId } = await newRun(agent.url, 'signals');
    const metrics = Array.from({ length: 500 }, (_, i) => ({ key: 'acc', value: i / 500, timestamp: 1000 + i, step: i }));
    assert.equal((await post(agent.url, 'runs/log-batch', { run_id: runId, metrics, params: [{ key: 'lr', value: '0.1' }] })).status, 200);
    agent.child.kill(signal);
    assert.equal(await agent.exited, 0);
    // the latest-metric summary was written on the way out
    const doc = JSON.parse(await readFile(join(store, 'runs', runId, 'run.json'), 'utf8')) as { latest_metrics: Record<string, { step: number }> };
    assert.equal(doc.latest_metrics.acc?.step, 499);
    const again = await startAgentProcess(['serve', '--port', '0', '--store', store]);
    try {
      const run = await get<{ run: { data: { params: unknown[]; metrics: Array<{ value: number }> } } }>(again.url, 'runs/get', { run_id: runId });
      assert.deepEqual(run.body.run.data.params, [{ key: 'lr', value: '0.1' }]);
      assert.equal(run.body.run.data.metrics[0]!.value, 499 / 500);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });
}
