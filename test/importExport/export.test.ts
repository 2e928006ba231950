/**
 * `lablog export` of runs as JSON and CSV, checked against what the REST API of an agent
 * running on the same store says: params, tags, latest metrics and every metric point. The
 * export runs while the agent holds the store, and sees points the agent just committed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, startAgentProcess, type AgentProcess } from '../support/agentProcess.js';
import { fullHistory, get, post } from '../support/mlflowHttp.js';
import { IRIS, REGRESSION, RUNS, SAMPLE } from '../support/mlrunsSample.js';

const DEPTH4 = RUNS.depth4;
const LINREG = RUNS.linreg;

type KV = Array<{ key: string; value: string }>;
type Point = { value: number | string; step: number; timestamp: number };
type RunExport = { run_id: string; run_name: string; status: string; params: Record<string, string>; tags: Record<string, string>; latest_metrics: Record<string, Point>; metrics: Record<string, Point[]> };
type RunBody = { run: { info: { run_name: string; status: string }; data: { params?: KV; tags?: KV; metrics?: Array<Point & { key: string }> } } };

/** RFC 4180 CSV into rows of fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  return rows;
}

const record = (kv: KV | undefined) => Object.fromEntries((kv ?? []).map((t) => [t.key, t.value]));

describe('lablog export', () => {
  let storeDir: string;
  let agent: AgentProcess;
  before(async () => {
    storeDir = await mkdtemp(join(tmpdir(), 'lablog-export-'));
    const imported = await runCli(['import', SAMPLE, '--store', storeDir]);
    assert.equal(imported.code, 0, imported.output);
    agent = await startAgentProcess(['serve', '--port', '0', '--store', storeDir]);
    // points committed by the running agent, not yet in the run document's summary
    const r = await post(agent.url, 'runs/log-batch', {
      run_id: DEPTH4,
      metrics: [0, 1, 2].map((step) => ({ key: 'live', value: step === 2 ? 'Infinity' : step / 2, timestamp: 1_800_000_000_000 + step, step })),
    });
    assert.equal(r.status, 200);
  });
  after(async () => {
    agent.child.kill('SIGTERM');
    await agent.exited;
    await rm(storeDir, { recursive: true, force: true });
  });

  /** What the REST API says about a run, in the export's terms. */
  async function fromApi(runId: string): Promise<Omit<RunExport, 'run_id'>> {
    const run = (await get<RunBody>(agent.url, 'runs/get', { run_id: runId })).body.run;
    const latest: Record<string, Point> = {};
    const metrics: Record<string, Point[]> = {};
    for (const m of run.data.metrics ?? []) {
      latest[m.key] = { value: m.value, step: m.step, timestamp: m.timestamp };
      metrics[m.key] = (await fullHistory(agent.url, runId, m.key)).map((p) => ({ value: p.value, step: p.step, timestamp: p.timestamp }));
    }
    return { run_name: run.info.run_name, status: run.info.status, params: record(run.data.params), tags: record(run.data.tags), latest_metrics: latest, metrics };
  }

  test('JSON: one object with the run\'s params, tags, latest metrics and full histories, as the API has them', async () => {
    const r = await runCli(['export', '--run', DEPTH4, '--format', 'json', '--store', storeDir]);
    assert.equal(r.code, 0, r.output);
    const doc = JSON.parse(r.output) as { experiment: { experiment_id: string; name: string }; runs: RunExport[] };
    assert.deepEqual(doc.experiment, { experiment_id: IRIS, name: 'iris-notebook' });
    assert.equal(doc.runs.length, 1);
    const [got] = doc.runs as [RunExport];
    const api = await fromApi(DEPTH4);
    assert.equal(got.run_id, DEPTH4);
    assert.equal(got.run_name, api.run_name);
    assert.equal(got.status, api.status);
    assert.deepEqual(got.params, api.params);
    assert.deepEqual(got.tags, api.tags);
    assert.deepEqual(got.latest_metrics, api.latest_metrics);
    assert.deepEqual(got.metrics, api.metrics);
    assert.equal(got.metrics.train_loss?.length, 100);
    assert.equal(got.latest_metrics.weird?.value, 'NaN');
    assert.equal(got.latest_metrics.live?.value, 'Infinity');
  });

  test('CSV (--out FILE): run_id,kind,key,value,step,timestamp rows that say the same', async () => {
    const out = join(storeDir, '..', `export-${process.pid}.csv`);
    try {
      for (const runId of [DEPTH4, LINREG]) {
        const r = await runCli(['export', '--run', runId, '--format', 'csv', '--out', out, '--store', storeDir]);
        assert.equal(r.code, 0, r.output);
        const [header, ...rows] = parseCsv(await readFile(out, 'utf8'));
        assert.deepEqual(header, ['run_id', 'kind', 'key', 'value', 'step', 'timestamp']);
        assert.ok(rows.every((row) => row.length === 6 && row[0] === runId));
        const api = await fromApi(runId);
        const of = (kind: string) => rows.filter((row) => row[1] === kind);
        assert.deepEqual(Object.fromEntries(of('param').map((x) => [x[2], x[3]])), api.params);
        assert.deepEqual(Object.fromEntries(of('tag').map((x) => [x[2], x[3]])), api.tags);
        const info = Object.fromEntries(of('info').map((x) => [x[2], x[3]]));
        assert.equal(info.run_name, api.run_name);
        assert.equal(info.status, api.status);
        const asPoint = (x: string[]): Point => ({ value: /^-?[\d.e+-]+$/.test(x[3] ?? '') ? Number(x[3]) : (x[3] as string), step: Number(x[4]), timestamp: Number(x[5]) });
        assert.deepEqual(Object.fromEntries(of('latest_metric').map((x) => [x[2], asPoint(x)])), api.latest_metrics);
        const histories: Record<string, Point[]> = {};
        for (const x of of('metric')) (histories[x[2] as string] ??= []).push(asPoint(x));
        assert.deepEqual(histories, api.metrics);
      }
    } finally {
      await rm(out, { force: true });
    }
  });

  test('--experiment exports its active runs', async () => {
    const r = await runCli(['export', '--experiment', IRIS, '--store', storeDir]);
    assert.equal(r.code, 0, r.output);
    const doc = JSON.parse(r.output) as { runs: RunExport[] };
    assert.deepEqual(doc.runs.map((x) => x.run_name).sort(), ['depth-2', 'depth-4', 'sweep']);
    const csv = await runCli(['export', '--experiment', REGRESSION, '--format', 'csv', '--store', storeDir]);
    const runIds = new Set(parseCsv(csv.output).slice(1).map((row) => row[0]));
    assert.equal(runIds.size, 2); // linreg and crashed; the deleted run is left out
  });

  test('mistakes: unknown run or experiment (exit 1), missing or conflicting choice and bad format (exit 2)', async () => {
    const unknown = await runCli(['export', '--run', 'f'.repeat(32), '--store', storeDir]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.output, /no run f{32}/);
    assert.equal((await runCli(['export', '--experiment', '999', '--store', storeDir])).code, 1);
    assert.equal((await runCli(['export', '--store', storeDir])).code, 2);
    assert.equal((await runCli(['export', '--run', DEPTH4, '--experiment', IRIS, '--store', storeDir])).code, 2);
    assert.equal((await runCli(['export', '--run', DEPTH4, '--format', 'xml', '--store', storeDir])).code, 2);
    const noStore = await runCli(['export', '--run', DEPTH4, '--store', join(storeDir, 'nothing-here')]);
    assert.equal(noStore.code, 1);
    assert.match(noStore.output, /no lablog store/);
  });
});
