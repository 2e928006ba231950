/**
 * The TypeScript client against a real agent: what a training script logs shows up over
 * MLflow's REST API with the right values, in the order logged; bad input never throws and
 * comes back in the next flush report, costing only itself.
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Lablog } from 'lablog/client';
import { fullHistory, get } from '../support/mlflowHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

type RunBody = {
  run: {
    info: { run_id: string; run_name: string; status: string; end_time?: number; experiment_id: string };
    data: { params?: Array<{ key: string; value: string }>; tags?: Array<{ key: string; value: string }> };
    inputs: { dataset_inputs?: Array<{ dataset: { name: string }; tags?: Array<{ key: string; value: string }> }> };
  };
};

describe('client logging', () => {
  let a: StartedAgent;
  let spool: string;
  before(async () => {
    a = await startAgent();
    spool = await mkdtemp(join(tmpdir(), 'lablog-spool-'));
  });
  after(async () => {
    await a.close();
    await rm(spool, { recursive: true, force: true });
  });
  const client = (t: { after(fn: () => unknown): void }) => {
    const c = new Lablog({ url: a.url, spoolDir: spool, onError: null });
    t.after(() => c.close());
    return c;
  };

  test('a run shows up over REST with its params, tags and metric history, in the order logged', async (t) => {
    const lablog = client(t);
    const run = await lablog.startRun({ experiment: 'client-basic', runName: 'baseline', tags: { team: 'vision' } });
    assert.match(run.id, /^[0-9a-f]{32}$/);
    run.logParams({ lr: 0.001, batch: 64, arch: { layers: 3 } });
    run.setTag('phase', 'warmup');
    for (let step = 0; step < 2500; step++) run.logMetrics({ loss: 1 / (step + 1), acc: step / 2500 }, { step, timestamp: 1_700_000_000_000 + step });
    run.logMetric('odd', Number.NaN, { step: 0 });
    run.logMetric('odd', Number.POSITIVE_INFINITY, { step: 1 });
    run.logMetric('odd', Number.NEGATIVE_INFINITY, { step: 2 });
    run.setTag('phase', 'done');
    const report = await run.endRun();
    assert.deepEqual(report, { durable: true, pending: { ops: 0, batches: 0, points: 0 }, spoolFile: null, errors: [] });

    const { body } = await get<RunBody>(a.url, 'runs/get', { run_id: run.id });
    assert.equal(body.run.info.run_name, 'baseline');
    assert.equal(body.run.info.status, 'FINISHED');
    assert.ok(body.run.info.end_time! >= 1_700_000_000_000);
    assert.equal(body.run.info.experiment_id, run.experimentId);
    const exp = await get<{ experiment: { experiment_id: string } }>(a.url, 'experiments/get-by-name', { experiment_name: 'client-basic' });
    assert.equal(exp.body.experiment.experiment_id, run.experimentId);
    const params = Object.fromEntries((body.run.data.params ?? []).map((p) => [p.key, p.value]));
    assert.deepEqual(params, { lr: '0.001', batch: '64', arch: '{"layers":3}' });
    const tags = Object.fromEntries((body.run.data.tags ?? []).map((p) => [p.key, p.value]));
    assert.equal(tags.phase, 'done');
    assert.equal(tags.team, 'vision');
    assert.equal(tags['mlflow.runName'], 'baseline');
    assert.equal(tags['mlflow.source.type'], 'LOCAL');

    const loss = await fullHistory(a.url, run.id, 'loss');
    assert.equal(loss.length, 2500);
    assert.deepEqual(loss.map((p) => p.step), Array.from({ length: 2500 }, (_, i) => i));
    assert.deepEqual(loss.slice(0, 3).map((p) => [p.value, p.timestamp]), [[1, 1_700_000_000_000], [0.5, 1_700_000_000_001], [1 / 3, 1_700_000_000_002]]);
    assert.equal((await fullHistory(a.url, run.id, 'acc')).length, 2500);
    assert.deepEqual((await fullHistory(a.url, run.id, 'odd')).map((p) => p.value), ['NaN', 'Infinity', '-Infinity']);
  });

  test('a nested run names its parent; runs are found by experiment id too', async (t) => {
    const lablog = client(t);
    const parent = await lablog.startRun({ experiment: 'client-nested', runName: 'sweep' });
    const child = await lablog.startRun({ experimentId: parent.experimentId!, runName: 'lr-0.1', parent });
    child.logParam('lr', 0.1);
    await child.endRun();
    await parent.endRun();
    const { body } = await get<RunBody>(a.url, 'runs/get', { run_id: child.id });
    const tags = Object.fromEntries((body.run.data.tags ?? []).map((p) => [p.key, p.value]));
    assert.equal(tags['mlflow.parentRunId'], parent.id);
    assert.equal(body.run.info.experiment_id, parent.experimentId);
  });

  test('logMetric never throws on garbage; the next flush reports it per batch and the good points are stored', async (t) => {
    const lablog = client(t);
    const run = await lablog.startRun({ experiment: 'client-garbage' });
    const garbage: Array<[unknown, unknown, unknown]> = [
      [undefined, 1, undefined],
      [42, 1, undefined],
      ['bad/../key', 1, undefined],
      ['ok', 'not a number', undefined],
      ['ok', { v: 1 }, undefined],
      ['ok', null, undefined],
      ['ok', 1, { step: 1.5 }],
      ['ok', 1, { step: 'x' }],
      ['ok', 1, { timestamp: Number.NaN }],
      ['ok', 1, null],
    ];
    for (const [k, v, o] of garbage) {
      assert.doesNotThrow(() => (run.logMetric as (k: unknown, v: unknown, o?: unknown) => void)(k, v, o ?? undefined));
    }
    assert.doesNotThrow(() => (run.logMetric as (...a: unknown[]) => void)('ok', 1, 'nonsense'));
    for (let step = 0; step < 10; step++) run.logMetric('ok', step, { step });
    run.logMetric('big', 10n as unknown as number);
    assert.doesNotThrow(() => run.logParam('bad key!', 1));
    assert.doesNotThrow(() => (run.logParams as (p: unknown) => void)(null));
    assert.doesNotThrow(() => (run.setTags as (p: unknown) => void)(undefined));
    const hostile = {
      get step(): number {
        throw new Error('boom');
      },
    };
    assert.doesNotThrow(() => run.logMetric('ok', 1, hostile));
    assert.doesNotThrow(() =>
      run.logParams({
        get p(): string {
          throw new Error('bang');
        },
      }),
    );
    const report = await run.flush();
    assert.equal(report.durable, true);
    const metricErrors = report.errors.filter((e) => e.op === 'metric');
    assert.equal(metricErrors.reduce((n, e) => n + e.points, 0), 10, JSON.stringify(report.errors));
    assert.ok(metricErrors.some((e) => /boom/.test(e.message)));
    assert.ok(report.errors.some((e) => e.op === 'param' && /bang/.test(e.message)));
    assert.ok(metricErrors.every((e) => e.error_code === 'INVALID_PARAMETER_VALUE' && e.run === run.id));
    assert.ok(report.errors.some((e) => e.op === 'param' && /bad key!/.test(e.message)));
    const ok = await fullHistory(a.url, run.id, 'ok');
    // the 'ok' points with a bad step, or a bad options object, are left out; null options mean defaults
    assert.deepEqual(ok.map((p) => p.value), [1, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual((await fullHistory(a.url, run.id, 'big')).map((p) => p.value), [10]);
    const again = await run.flush();
    assert.deepEqual(again.errors, [], 'errors are reported once');
  });

  test('a param logged again with another value is refused alone; the metrics around it are kept', async (t) => {
    const lablog = client(t);
    const run = await lablog.startRun({ experiment: 'client-param-change' });
    run.logParam('lr', '0.1');
    run.logMetric('loss', 1, { step: 0 });
    run.logParam('lr', '0.2');
    run.logMetric('loss', 2, { step: 1 });
    const report = await run.endRun('KILLED');
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0]!.op, 'log');
    assert.equal(report.errors[0]!.points, 0);
    assert.match(report.errors[0]!.message, /Changing param values is not allowed/);
    assert.deepEqual((await fullHistory(a.url, run.id, 'loss')).map((p) => p.value), [1, 2]);
    const { body } = await get<RunBody>(a.url, 'runs/get', { run_id: run.id });
    assert.equal(body.run.info.status, 'KILLED');
  });

  test('batches keep within MLflow limits: 250 params, 300 tags and 5000 points in one burst all arrive', async (t) => {
    const lablog = client(t);
    const run = await lablog.startRun({ experiment: 'client-limits' });
    for (let i = 0; i < 250; i++) run.logParam(`p${i}`, i);
    for (let i = 0; i < 300; i++) run.setTag(`t${i}`, 'x'.repeat(4000));
    for (let i = 0; i < 5000; i++) run.logMetric('m', i, { step: i });
    const report = await run.endRun();
    assert.deepEqual(report.errors, []);
    const { body } = await get<RunBody>(a.url, 'runs/get', { run_id: run.id });
    assert.equal(body.run.data.params?.length, 250);
    assert.equal(body.run.data.tags?.filter((x) => x.key.startsWith('t')).length, 300);
    assert.equal((await fullHistory(a.url, run.id, 'm')).length, 5000);
  });

  test('a dataset input is stored with its context tag', async (t) => {
    const lablog = client(t);
    const run = await lablog.startRun({ experiment: 'client-datasets' });
    run.logInput({ name: 'train', digest: 'abc123', source_type: 'local', source: '{"uri": "data/train.csv"}' }, 'training');
    (run.logInput as (d: unknown) => void)({ name: 'broken' });
    const report = await run.endRun();
    assert.deepEqual(report.errors.map((e) => [e.op, e.error_code]), [['inputs', 'INVALID_PARAMETER_VALUE']]);
    const { body } = await get<RunBody>(a.url, 'runs/get', { run_id: run.id });
    const input = body.run.inputs.dataset_inputs?.[0];
    assert.equal(input?.dataset.name, 'train');
    assert.deepEqual(input?.tags, [{ key: 'mlflow.data.context', value: 'training' }]);
  });

  test('artifacts (a file, a folder, bytes) are uploaded in order with the run; an unreadable one is reported', async (t) => {
    const lablog = client(t);
    const dir = await mkdtemp(join(tmpdir(), 'lablog-art-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'report.txt'), 'accuracy 0.9\n');
    await mkdir(join(dir, 'plots', 'deep'), { recursive: true });
    await writeFile(join(dir, 'plots', 'a.csv'), 'x,y\n1,2\n');
    await writeFile(join(dir, 'plots', 'deep', 'b.bin'), Buffer.from([0, 1, 2, 255]));
    const run = await lablog.startRun({ experiment: 'client-artifacts' });
    run.logArtifact(join(dir, 'report.txt'));
    run.logArtifact(join(dir, 'plots'), 'figures');
    run.logArtifact(new TextEncoder().encode('{"a": 1}'), 'config/params.json');
    run.logArtifact(join(dir, 'missing.txt'));
    (run.logArtifact as (x: unknown) => void)(42);
    const report = await run.endRun('FINISHED', { timeoutMs: 5000 });
    assert.equal(report.durable, true, 'the uploads finished');
    assert.deepEqual(report.errors.map((e) => [e.op, e.error_code]), [['artifact', 'INVALID_PARAMETER_VALUE'], ['artifact', 'INVALID_PARAMETER_VALUE']]);

    const root = `${run.experimentId}/${run.id}/artifacts`;
    const download = async (p: string) => {
      const res = await fetch(`${a.url}/api/2.0/mlflow-artifacts/artifacts/${root}/${p}`);
      assert.equal(res.status, 200, p);
      return Buffer.from(await res.arrayBuffer());
    };
    assert.equal((await download('report.txt')).toString(), 'accuracy 0.9\n');
    assert.equal((await download('figures/plots/a.csv')).toString(), 'x,y\n1,2\n');
    assert.deepEqual([...(await download('figures/plots/deep/b.bin'))], [0, 1, 2, 255]);
    assert.equal((await download('config/params.json')).toString(), '{"a": 1}');
  });

  test('after endRun, logging to the run is ignored and reported, never thrown', async (t) => {
    const lablog = client(t);
    const run = await lablog.startRun({ experiment: 'client-ended' });
    run.logMetric('m', 1);
    await run.endRun();
    run.logMetric('m', 2);
    run.logParam('p', 1);
    const again = await run.endRun();
    assert.deepEqual(again.errors.map((e) => [e.op, e.error_code]), [['metric', 'INVALID_STATE'], ['param', 'INVALID_STATE']]);
    assert.deepEqual((await fullHistory(a.url, run.id, 'm')).map((p) => p.value), [1]);
  });
});

test('with a token, the client authenticates its REST calls and the live channel', async (t) => {
  const a = await startAgent({ token: 's3cret' });
  t.after(() => a.close());
  const spool = await mkdtemp(join(tmpdir(), 'lablog-spool-'));
  t.after(() => rm(spool, { recursive: true, force: true }));
  const lablog = new Lablog({ url: a.url, token: 's3cret', spoolDir: spool, onError: null });
  t.after(() => lablog.close());
  const run = await lablog.startRun({ experiment: 'client-token' });
  const w = lablog.watch({ run });
  const first = await w.next();
  assert.equal(first.value?.kind, 'snapshot');
  for (let step = 0; step < 10; step++) run.logMetric('m', step, { step });
  const report = await run.endRun();
  assert.equal(report.durable, true);
  await w.return();
  const auth = { authorization: 'Bearer s3cret' };
  assert.equal((await get(a.url, 'runs/get', { run_id: run.id }, auth)).status, 200);
  assert.equal((await get(a.url, 'runs/get', { run_id: run.id })).status, 401);
});
