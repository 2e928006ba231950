/**
 * The client in REST mode (as against a plain MLflow server: here the agent behind a proxy
 * that hides `x-lablog-version`) sends requests shaped like those of MLflow's own Python
 * client, as recorded in test/fixtures/mlflow-transcripts: the same fields, of the same JSON
 * types, for experiments/get-by-name + create, runs/create, runs/log-batch and runs/update.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Lablog } from 'lablog/client';
import { fullHistory, get } from '../support/mlflowHttp.js';
import { startRecordingProxy, type RecordedRequest } from '../support/recordingProxy.js';
import { startAgent } from '../support/startAgent.js';
import { readScenarios } from '../support/transcriptExchange.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/mlflow-transcripts/', import.meta.url));

/** The JSON type structure of a value: objects by field, arrays by the shapes of their items. */
function shape(v: unknown): string {
  if (Array.isArray(v)) return `[${[...new Set(v.map(shape))].sort().join('|')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${k}:${shape((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return v === null ? 'null' : typeof v;
}

/** Field → shapes seen, and the fields every recorded body had. */
interface FieldShapes {
  shapes: Map<string, Set<string>>;
  required: Set<string>;
}

function fieldShapes(bodies: Array<Record<string, unknown>>): FieldShapes {
  const shapes = new Map<string, Set<string>>();
  for (const b of bodies) for (const [k, v] of Object.entries(b)) (shapes.get(k) ?? shapes.set(k, new Set()).get(k)!).add(shape(v));
  const required = new Set([...shapes.keys()].filter((k) => bodies.every((b) => k in b)));
  return { shapes, required };
}

/** Differences between one body of ours and the recorded ones of the same endpoint. */
function differences(path: string, body: Record<string, unknown>, rec: FieldShapes): string[] {
  const out: string[] = [];
  for (const k of rec.required) if (!(k in body)) out.push(`${path}: field '${k}' missing`);
  for (const [k, v] of Object.entries(body)) {
    const seen = rec.shapes.get(k);
    if (!seen) out.push(`${path}: field '${k}' is not sent by MLflow's client`);
    else if (!seen.has(shape(v))) out.push(`${path}: field '${k}' is ${shape(v)}, MLflow's client sends ${[...seen].join(' or ')}`);
  }
  return out;
}

test('in REST mode the client sends MLflow-shaped requests and its run arrives whole', async (t) => {
  const a = await startAgent();
  t.after(() => a.close());
  const proxy = await startRecordingProxy(a.url);
  t.after(() => proxy.close());
  const lablog = new Lablog({ url: proxy.url, spoolDir: false, onError: null });
  t.after(() => lablog.close());

  const run = await lablog.startRun({ experiment: 'rest-shapes', runName: 'baseline' });
  const child = await lablog.startRun({ experiment: 'rest-shapes', parent: run });
  run.logParams({ learning_rate: 0.01, optimizer: 'adam' });
  run.setTags({ author: 'someone' });
  for (let step = 0; step < 1500; step++) run.logMetrics({ train_loss: 1 / (step + 1), val_loss: 1.2 / (step + 1) }, { step });
  await child.endRun();
  const report = await run.endRun();
  assert.deepEqual(report.errors, []);
  assert.equal(report.durable, true);

  // the server chose the run ids (MLflow's own client cannot choose them), and the run is whole
  const ours = (p: string) => proxy.requests.filter((r) => r.path === `/api/2.0/mlflow/${p}`);
  const created = ours('runs/create');
  assert.equal(created.length, 2);
  assert.ok(created.every((r) => !('run_id' in (r.json as object))));
  assert.equal((await fullHistory(a.url, run.id, 'train_loss')).length, 1500);
  const got = await get<{ run: { data: { tags?: Array<{ key: string; value: string }> } } }>(a.url, 'runs/get', { run_id: child.id });
  assert.equal(got.body.run.data.tags?.find((x) => x.key === 'mlflow.parentRunId')?.value, run.id);
  assert.equal(proxy.requests.filter((r) => r.path.endsWith('/ws')).length, 0, 'no live channel against a plain MLflow server');

  const scenarios = await readScenarios(FIXTURES);
  const recorded = (p: string) =>
    scenarios.flatMap((s) => s.exchanges).filter((e) => e.path === `/api/2.0/mlflow/${p}` && e.method === 'POST' && e.requestJson !== undefined).map((e) => e.requestJson as Record<string, unknown>);
  const problems: string[] = [];
  for (const p of ['experiments/create', 'runs/create', 'runs/log-batch', 'runs/update']) {
    const mine = ours(p);
    assert.ok(mine.length > 0, `the client sent ${p}`);
    const rec = fieldShapes(recorded(p));
    assert.ok(rec.shapes.size > 0, `the transcripts hold ${p}`);
    for (const r of mine) problems.push(...differences(p, r.json as Record<string, unknown>, rec));
  }
  assert.deepEqual(problems, []);

  // the experiment is looked up by name first, with the same query as MLflow's client
  const lookups = ours('experiments/get-by-name') as RecordedRequest[];
  const recordedLookup = scenarios.flatMap((s) => s.exchanges).find((e) => e.path === '/api/2.0/mlflow/experiments/get-by-name')!;
  assert.ok(lookups.length >= 1);
  assert.deepEqual(lookups.map((r) => r.query.map(([k]) => k)), lookups.map(() => recordedLookup.query.map(([k]) => k)));
  // batches were split as MLflow's limits require
  const batches = ours('runs/log-batch').map((r) => r.json as { metrics?: unknown[]; params?: unknown[]; tags?: unknown[] });
  assert.ok(batches.every((b) => (b.metrics?.length ?? 0) <= 1000 && (b.metrics?.length ?? 0) + (b.params?.length ?? 0) + (b.tags?.length ?? 0) <= 1000));
  assert.equal(batches.reduce((n, b) => n + (b.metrics?.length ?? 0), 0), 3000);
});
