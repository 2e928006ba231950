/**
 * A log call is answered only once its points are on disk. On Linux the append-only logs (a run's
 * metrics, the experiments) are opened with O_DSYNC, so the write that commits a group of appends
 * is itself durable when it returns — the guarantee of a write then fdatasync, in one call.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, readlink, mkdtemp, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createAgent } from 'lablog';
import { fullHistory, newRun, post } from '../support/mlflowHttp.js';

/** The open flags of this process's descriptor of `path` (from /proc/self/fdinfo), or null when it has none. */
async function openFlags(path: string): Promise<number | null> {
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target !== path) continue;
    const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8');
    return parseInt(/^flags:\s+([0-7]+)/m.exec(info)![1]!, 8);
  }
  return null;
}

test('on Linux, the metric log and the experiments log are appended with O_DSYNC writes, and a logged point is read back', { skip: process.platform !== 'linux' && 'O_DSYNC appends are used on Linux only' }, async (t) => {
  const store = await mkdtemp(join(tmpdir(), 'lablog-dsync-'));
  const agent = await createAgent({ store });
  t.after(async () => {
    await agent.close();
    await rm(store, { recursive: true, force: true });
  });
  const url = await agent.listen(0);
  const { runId } = await newRun(url, 'dsync');
  assert.equal((await post(url, 'runs/log-metric', { run_id: runId, key: 'loss', value: 0.5, timestamp: 1, step: 3 })).status, 200);

  for (const file of [join(store, 'runs', runId, 'metrics.jsonl'), join(store, 'meta', 'experiments.jsonl')]) {
    const flags = await openFlags(file);
    assert.ok(flags !== null, `${file} is open`);
    assert.equal(flags & constants.O_DSYNC, constants.O_DSYNC, `${file} is opened with O_DSYNC`);
    assert.equal(flags & constants.O_APPEND, constants.O_APPEND, `${file} is opened for appending`);
  }
  assert.deepEqual(await fullHistory(url, runId, 'loss'), [{ key: 'loss', value: 0.5, timestamp: 1, step: 3 }]);
});
