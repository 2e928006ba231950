/**
 * The live channel as a viewer sees it: every committed change, in commit order, whoever
 * logged it; resume without gap or duplicate; snapshot then live; logging over the socket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LiveEvent, ServerMessage } from '@lablog/schema';
import { LiveTestClient } from '../support/liveClient.js';
import { fullHistory, newRun, post } from '../support/mlflowHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

type EventMsg = Extract<ServerMessage, { type: 'event' }>;
const points = (events: EventMsg[]) =>
  events.flatMap((e) => (e.event.kind === 'metrics' ? e.event.metrics.map((m) => m.step) : []));

describe('live channel', () => {
  let a: StartedAgent;
  before(async () => {
    a = await startAgent();
  });
  after(() => a.close());

  test('a viewer of an experiment sees run, params, tags and metrics in commit order, from REST and from the socket', async () => {
    const exp = await post<{ experiment_id: string }>(a.url, 'experiments/create', { name: 'live-order' });
    const viewer = await LiveTestClient.connect(a.url);
    const logger = await LiveTestClient.connect(a.url);
    viewer.send({ type: 'subscribe', id: 'v', scope: { kind: 'experiment', experiment_id: exp.body.experiment_id } });
    await viewer.next((m) => m.type === 'subscribed');

    const run = await post<{ run: { info: { run_id: string } } }>(a.url, 'runs/create', { experiment_id: exp.body.experiment_id, run_name: 'r1' });
    const runId = run.body.run.info.run_id;
    await post(a.url, 'runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' });
    await post(a.url, 'runs/log-batch', { run_id: runId, metrics: [0, 1, 2].map((s) => ({ key: 'loss', value: s, timestamp: 1, step: s })) });
    logger.send({ type: 'log', id: 'b1', run_id: runId, metrics: [3, 4].map((s) => ({ key: 'loss', value: s, timestamp: 2, step: s })), tags: [{ key: 'via', value: 'ws' }] });
    await logger.next((m) => m.type === 'ack' && m.id === 'b1');
    await post(a.url, 'runs/log-metric', { run_id: runId, key: 'loss', value: 5, timestamp: 3, step: 5 });
    await post(a.url, 'runs/update', { run_id: runId, status: 'FINISHED', end_time: 10 });

    await viewer.next((m) => m.type === 'event' && m.event.kind === 'run' && m.event.info.status === 'FINISHED');
    const events = viewer.events('v');
    const kinds = events.map((e) => e.event.kind);
    assert.deepEqual(kinds, ['run', 'params', 'metrics', 'tags', 'metrics', 'metrics', 'run']);
    assert.deepEqual(points(events), [0, 1, 2, 3, 4, 5]);
    const seqs = events.map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
    assert.equal(new Set(seqs).size, seqs.length);
    const first = events[0]!.event as Extract<LiveEvent, { kind: 'run' }>;
    assert.equal(first.info.run_name, 'r1');
    await viewer.close();
    await logger.close();
  });

  test('a viewer that reconnects with the last seq it saw gets exactly what it missed', async () => {
    const { experimentId, runId } = await newRun(a.url, 'live-resume');
    const steady = await LiveTestClient.connect(a.url);
    steady.send({ type: 'subscribe', id: 's', scope: { kind: 'run', run_id: runId } });
    const flaky = await LiveTestClient.connect(a.url);
    flaky.send({ type: 'subscribe', id: 'f', scope: { kind: 'experiment', experiment_id: experimentId } });
    const sub = await flaky.next<Extract<ServerMessage, { type: 'subscribed' }>>((m) => m.type === 'subscribed');
    await steady.next((m) => m.type === 'subscribed');

    const log = (from: number) => post(a.url, 'runs/log-batch', { run_id: runId, metrics: Array.from({ length: 10 }, (_, i) => ({ key: 'm', value: from + i, timestamp: 1, step: from + i })) });
    await log(0);
    await flaky.next((m) => m.type === 'event');
    const seen = flaky.events('f');
    const lastSeq = seen.at(-1)!.seq;
    await flaky.close();
    for (let b = 1; b < 5; b++) await log(b * 10);

    const back = await LiveTestClient.connect(a.url);
    back.send({ type: 'subscribe', id: 'f', scope: { kind: 'experiment', experiment_id: experimentId }, since: lastSeq, epoch: sub.epoch });
    await back.next((m) => m.type === 'subscribed');
    await log(50);
    await back.next((m) => m.type === 'event' && m.event.kind === 'metrics' && m.event.metrics[0]!.step === 50);
    await steady.next((m) => m.type === 'event' && m.event.kind === 'metrics' && m.event.metrics[0]!.step === 50);
    const resumed = [...seen, ...back.events('f')];
    assert.deepEqual(points(resumed), Array.from({ length: 60 }, (_, i) => i));
    assert.deepEqual(resumed.map((e) => e.seq), steady.events('s').map((e) => e.seq));
    await Promise.all([steady.close(), back.close()]);
  });

  test('resuming from another agent lifetime (epoch) or without what is kept asks for a resync', async () => {
    const { runId } = await newRun(a.url, 'live-epoch');
    const c = await LiveTestClient.connect(a.url);
    c.send({ type: 'subscribe', id: 'x', scope: { kind: 'run', run_id: runId }, since: 3, epoch: 'another-lifetime' });
    const r = await c.next<Extract<ServerMessage, { type: 'resync' }>>((m) => m.type === 'resync');
    assert.equal(r.reason, 'epoch');
    c.send({ type: 'subscribe', id: 'y', scope: { kind: 'run', run_id: runId }, since: 3, epoch: 'another-lifetime', snapshot: true });
    const snap = await c.next<Extract<ServerMessage, { type: 'snapshot' }>>((m) => m.type === 'snapshot');
    assert.equal(snap.runs[0]!.info.run_id, runId);
    await c.close();
  });

  test('snapshot then live: exactly the changes after the snapshot follow it, while logging goes on', async () => {
    const { runId } = await newRun(a.url, 'live-snapshot');
    await post(a.url, 'runs/log-batch', { run_id: runId, params: [{ key: 'depth', value: '6' }], metrics: [{ key: 'acc', value: 0.5, timestamp: 1, step: 1 }] });
    const witness = await LiveTestClient.connect(a.url);
    witness.send({ type: 'subscribe', id: 'w', scope: { kind: 'run', run_id: runId } });
    await witness.next((m) => m.type === 'subscribed');
    const c = await LiveTestClient.connect(a.url);
    const writes = Promise.all(Array.from({ length: 20 }, (_, i) => post(a.url, 'runs/log-metric', { run_id: runId, key: 'acc', value: i, timestamp: 2, step: 10 + i })));
    c.send({ type: 'subscribe', id: 'r', scope: { kind: 'run', run_id: runId }, snapshot: true });
    await writes;
    const snap = await c.next<Extract<ServerMessage, { type: 'snapshot' }>>((m) => m.type === 'snapshot');
    assert.deepEqual(snap.runs[0]!.data.params, [{ key: 'depth', value: '6' }]);
    await post(a.url, 'runs/set-tag', { run_id: runId, key: 'done', value: '1' });
    await c.next((m) => m.type === 'event' && m.event.kind === 'tags');
    await witness.next((m) => m.type === 'event' && m.event.kind === 'tags');
    // the witness saw everything; the snapshot subscriber must see exactly the part after snap.seq
    const expected = witness.events('w').filter((e) => e.seq > snap.seq).map((e) => e.seq);
    assert.deepEqual(c.events('r').map((e) => e.seq), expected);
    // and the snapshot's latest value reflects everything before it
    const before = points(witness.events('w').filter((e) => e.seq <= snap.seq));
    const latest = snap.runs[0]!.data.metrics!.find((m) => m.key === 'acc')!;
    assert.equal(latest.step, Math.max(1, ...before));
    await Promise.all([c.close(), witness.close()]);
  });

  test('a log message is acknowledged after commit; a refused batch gets an error for that batch only', async () => {
    const { runId } = await newRun(a.url, 'live-log');
    const c = await LiveTestClient.connect(a.url);
    c.send({ type: 'log', id: 'p1', run_id: runId, params: [{ key: 'lr', value: '1' }] });
    await c.next((m) => m.type === 'ack' && m.id === 'p1');
    c.send({ type: 'log', id: 'p2', run_id: runId, params: [{ key: 'lr', value: '2' }], metrics: [{ key: 'x', value: 1, timestamp: 1 }] });
    const err = await c.next<Extract<ServerMessage, { type: 'error' }>>((m) => m.type === 'error' && m.id === 'p2');
    assert.equal(err.error_code, 'INVALID_PARAMETER_VALUE');
    c.send({ type: 'log', id: 'p3', run_id: runId, metrics: [{ key: 'y', value: 1, timestamp: 1, step: 0 }] });
    await c.next((m) => m.type === 'ack' && m.id === 'p3');
    assert.equal((await fullHistory(a.url, runId, 'x')).length, 0);
    assert.equal((await fullHistory(a.url, runId, 'y')).length, 1);
    await c.close();
  });

  test('a batch sent again with the same client seq is stored once', async () => {
    const { runId } = await newRun(a.url, 'live-dedupe');
    const c = await LiveTestClient.connect(a.url);
    const batch = { type: 'log', run_id: runId, metrics: [{ key: 'z', value: 1, timestamp: 1, step: 0 }], batch: { client: 'c1', seq: 0 } };
    c.send({ ...batch, id: 'first' });
    await c.next((m) => m.type === 'ack' && m.id === 'first');
    c.send({ ...batch, id: 'again' });
    await c.next((m) => m.type === 'ack' && m.id === 'again');
    c.send({ ...batch, id: 'next', batch: { client: 'c1', seq: 1 } });
    await c.next((m) => m.type === 'ack' && m.id === 'next');
    assert.equal((await fullHistory(a.url, runId, 'z')).length, 2);
    await c.close();
  });

  test('malformed messages get an error reply, store nothing, and the connection stays usable', async () => {
    const { runId } = await newRun(a.url, 'live-malformed');
    const c = await LiveTestClient.connect(a.url);
    const bad: unknown[] = [
      'not json',
      '[1,2]',
      { type: 'fly' },
      { type: 'subscribe', id: 'x' },
      { type: 'subscribe', id: 'x', scope: { kind: 'run' } },
      { type: 'log', id: 'l1', run_id: runId, metrics: [{ key: 'm', value: true, timestamp: 1 }] },
      { type: 'log', id: 'l2', run_id: runId, metrics: [{ key: '../m', value: 1, timestamp: 1 }] },
      { type: 'log', id: 'l3', run_id: 'f'.repeat(32), metrics: [{ key: 'm', value: 1, timestamp: 1 }] },
      { type: 'subscribe', id: 'ghost', scope: { kind: 'run', run_id: 'f'.repeat(32) } },
    ];
    for (const m of bad) c.send(m);
    await c.next((m) => m.type === 'error' && m.id === 'ghost');
    const errors = c.messages.filter((m) => m.type === 'error');
    assert.equal(errors.length, bad.length);
    assert.deepEqual(
      errors.map((e) => (e as { error_code: string }).error_code),
      ['BAD_REQUEST', 'INVALID_PARAMETER_VALUE', 'INVALID_PARAMETER_VALUE', 'INVALID_PARAMETER_VALUE', 'INVALID_PARAMETER_VALUE', 'INVALID_PARAMETER_VALUE', 'INVALID_PARAMETER_VALUE', 'RESOURCE_DOES_NOT_EXIST', 'RESOURCE_DOES_NOT_EXIST'],
    );
    c.send({ type: 'log', id: 'ok', run_id: runId, metrics: [{ key: 'm', value: 1, timestamp: 1 }] });
    await c.next((m) => m.type === 'ack' && m.id === 'ok');
    assert.equal((await fullHistory(a.url, runId, 'm')).length, 1);
    await c.close();
  });
});
