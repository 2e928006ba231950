/**
 * `lablog.watch()`: a viewer through the client sees every committed change in order,
 * whoever logged it, and resumes after a dropped connection or an agent restart without
 * gap or duplicate.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createAgent } from 'lablog';
import { Lablog, type WatchEvent, type Watcher } from 'lablog/client';
import { newRun, post } from '../support/mlflowHttp.js';
import { startRecordingProxy } from '../support/recordingProxy.js';
import { startAgent } from '../support/startAgent.js';
import { startTcpProxy } from '../support/tcpProxy.js';

/** Reads events from `w` until `done(items)` holds (at most `timeoutMs`). */
async function collect(w: Watcher, done: (items: WatchEvent[]) => boolean, timeoutMs = 10_000, items: WatchEvent[] = []): Promise<WatchEvent[]> {
  const deadline = Date.now() + timeoutMs;
  while (!done(items)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`watch: condition not met within ${timeoutMs} ms; last: ${JSON.stringify(items.slice(-3)).slice(0, 500)}`);
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([w.next(), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), left)))]);
    clearTimeout(timer);
    if (r === null) continue;
    if (r.done) break;
    items.push(r.value);
  }
  return items;
}

const steps = (items: WatchEvent[]) => items.flatMap((e) => (e.kind === 'metrics' ? e.metrics.map((m) => m.step) : []));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

test('a watcher sees points logged over the socket by the client and over REST by someone else, in order', async (t) => {
  const a = await startAgent();
  t.after(() => a.close());
  const logger = new Lablog({ url: a.url, spoolDir: false, onError: null });
  const viewer = new Lablog({ url: a.url, spoolDir: false, onError: null });
  t.after(() => Promise.all([logger.close(), viewer.close()]));

  const run = await logger.startRun({ experiment: 'watch-order', runName: 'r' });
  const w = viewer.watch({ run });
  const items = await collect(w, (xs) => xs.length >= 1);
  const first = items[0];
  assert.equal(first?.kind, 'snapshot');
  assert.equal(first.kind === 'snapshot' && first.reason, 'start');
  assert.equal(first.kind === 'snapshot' && first.runs[0]?.info.run_id, run.id);

  run.logParam('lr', 0.1);
  for (let s = 0; s < 1500; s++) run.logMetric('loss', s, { step: s });
  await run.flush();
  const rest = await post(a.url, 'runs/log-batch', { run_id: run.id, metrics: range(1500, 1600).map((s) => ({ key: 'loss', value: s, timestamp: 1, step: s })) });
  assert.equal(rest.status, 200);
  for (let s = 1600; s < 2000; s++) run.logMetric('loss', s, { step: s });
  await run.endRun();

  await collect(w, (xs) => xs.some((e) => e.kind === 'run' && e.info.status === 'FINISHED'), 10_000, items);
  await w.return();
  assert.deepEqual(steps(items), range(0, 2000));
  const kinds = items.map((e) => e.kind).filter((k, i, all) => k !== all[i - 1]);
  assert.deepEqual(kinds, ['snapshot', 'params', 'metrics', 'run']);
});

test('a watcher whose connection drops resumes from the last seq it saw: no gap, no duplicate, no second snapshot', async (t) => {
  const a = await startAgent();
  t.after(() => a.close());
  const proxy = await startTcpProxy(Number(new URL(a.url).port));
  t.after(() => proxy.close());
  const viewer = new Lablog({ url: proxy.url, spoolDir: false, onError: null });
  t.after(() => viewer.close());
  const { experimentId, runId } = await newRun(a.url, 'watch-resume');

  const w = viewer.watch({ experimentId });
  const items = await collect(w, (xs) => xs.length >= 1);
  const log = (from: number) => post(a.url, 'runs/log-batch', { run_id: runId, metrics: range(from, from + 10).map((s) => ({ key: 'm', value: s, timestamp: 1, step: s })) });
  for (let b = 0; b < 5; b++) await log(b * 10);
  await collect(w, (xs) => steps(xs).length >= 50, 10_000, items);
  proxy.cut();
  for (let b = 5; b < 20; b++) await log(b * 10); // logged while the viewer is cut off
  await collect(w, (xs) => steps(xs).length >= 200, 10_000, items);
  await w.return();
  assert.ok(proxy.accepted >= 3, 'the viewer connected again');
  assert.deepEqual(steps(items), range(0, 200));
  assert.equal(items.filter((e) => e.kind === 'snapshot').length, 1);
});

test('after the agent restarts (a new epoch) the watcher yields a fresh snapshot and goes on', async (t) => {
  const store = await mkdtemp(join(tmpdir(), 'lablog-watch-restart-'));
  t.after(() => rm(store, { recursive: true, force: true }));
  let agent = await createAgent({ store });
  const url = await agent.listen(0);
  const port = Number(new URL(url).port);
  t.after(() => agent.close());
  const viewer = new Lablog({ url, spoolDir: false, onError: null });
  t.after(() => viewer.close());
  const { runId } = await newRun(url, 'watch-restart');
  const w = viewer.watch('all');
  const items = await collect(w, (xs) => xs.length >= 1);
  await post(url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'm', value: 0, timestamp: 1, step: 0 }] });
  await collect(w, (xs) => steps(xs).length >= 1, 10_000, items);

  await agent.close();
  agent = await createAgent({ store });
  await agent.listen(port);
  // the viewer resubscribes with the old epoch's seq: the agent answers with a snapshot
  await collect(w, (xs) => xs.filter((e) => e.kind === 'snapshot').length >= 2, 15_000, items);
  await post(url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'm', value: 1, timestamp: 1, step: 1 }] });
  await collect(w, (xs) => steps(xs).length >= 2, 10_000, items);
  await w.return();
  const snapshots = items.filter((e) => e.kind === 'snapshot');
  assert.deepEqual(snapshots.map((s) => s.kind === 'snapshot' && s.reason), ['start', 'resync']);
  const resync = snapshots[1]!;
  assert.equal(resync.kind === 'snapshot' && resync.runs.find((r) => r.info.run_id === runId)?.data.metrics?.[0]?.value, 0);
  assert.deepEqual(steps(items), [0, 1]);
});

test('watching a run created offline waits for it; break ends the iteration', async (t) => {
  const a = await startAgent();
  t.after(() => a.close());
  const lablog = new Lablog({ url: a.url, spoolDir: false, onError: null });
  t.after(() => lablog.close());
  const { experimentId } = await newRun(a.url, 'watch-later');
  const w = lablog.watch({ run: 'f'.repeat(32) });
  setTimeout(() => void post(a.url, 'runs/create', { experiment_id: experimentId, run_id: 'f'.repeat(32), run_name: 'late' }), 300);
  let seen: WatchEvent | undefined;
  for await (const e of w) {
    seen = e;
    break;
  }
  assert.equal(seen?.kind, 'snapshot');
  assert.equal(seen?.kind === 'snapshot' && seen.runs[0]?.info.run_name, 'late');
  assert.deepEqual(await w.next(), { value: undefined, done: true });
});

test('watch against a plain MLflow server rejects with a clear message', async (t) => {
  const a = await startAgent();
  t.after(() => a.close());
  const plain = await startRecordingProxy(a.url);
  t.after(() => plain.close());
  const lablog = new Lablog({ url: plain.url, spoolDir: false, onError: null });
  t.after(() => lablog.close());
  await assert.rejects(lablog.watch('all').next(), /needs the live channel of a lablog agent; the server is a plain MLflow server/);
});

test('without a snapshot, the first item is a start gap: the subscription is in place, and anything committed before it is read again by the viewer', async (t) => {
  const a = await startAgent();
  t.after(() => a.close());
  const logger = new Lablog({ url: a.url, spoolDir: false, onError: null });
  const viewer = new Lablog({ url: a.url, spoolDir: false, onError: null });
  t.after(() => Promise.all([logger.close(), viewer.close()]));

  const run = await logger.startRun({ experiment: 'watch-gap', runName: 'r' });
  const w = viewer.watch({ run }, { snapshot: false });
  const items = await collect(w, (xs) => xs.length >= 1);
  assert.equal(items[0]?.kind, 'gap');
  assert.equal(items[0]?.kind === 'gap' && items[0].reason, 'start');
  run.logParam('lr', 0.1);
  await run.flush();
  await collect(w, (xs) => xs.some((e) => e.kind === 'params'), 10_000, items);
  await w.return();
  assert.deepEqual(items.map((e) => e.kind), ['gap', 'params']);
});
