/**
 * What a notebook-linked run holds as artifacts: the notebook when it started and when it
 * ended (the end one replaced once by the snapshot that follows, which carries the ending
 * cell's outputs), the log of the cells executed while it was active, and the packages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CellExecution } from '@lablog/schema';
import { artifactText, notebook, postExecutions, putNotebook, registerSession, sendJson } from '../support/notebookHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

type RunBody = { run: { info: { run_id: string; start_time: number } } };

describe('notebook snapshots, execution log and packages of a run', () => {
  let a: StartedAgent;
  before(async () => {
    a = await startAgent();
  });
  after(() => a.close());

  const createRun = async (session: string, startTime = Date.now()) => {
    const r = await sendJson<RunBody>(a.url, 'POST', `/nb/${session}/api/2.0/mlflow/runs/create`, { experiment_id: '0', start_time: startTime });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.run.info.run_id;
  };
  const endRun = async (session: string, runId: string, endTime = Date.now()) => {
    const r = await sendJson(a.url, 'POST', `/nb/${session}/api/2.0/mlflow/runs/update`, { run_id: runId, status: 'FINISHED', end_time: endTime });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const file = (runId: string, path: string) => artifactText(a.url, runId, path);

  test('start.ipynb is the snapshot the session had when the run was created', async () => {
    await registerSession(a.url, 'snap-start');
    await putNotebook(a.url, 'snap-start', notebook('first = 1'));
    const runId = await createRun('snap-start');
    await putNotebook(a.url, 'snap-start', notebook('second = 2'));
    const start = JSON.parse((await file(runId, 'notebook/start.ipynb'))!) as { nbformat: number; cells: Array<{ source: string }> };
    assert.equal(start.nbformat, 4);
    assert.equal(start.cells[0]!.source, 'first = 1');
    assert.equal(await file(runId, 'notebook/end.ipynb'), null, 'no end snapshot while the run runs');
  });

  test('without a snapshot at creation, the first one that arrives becomes start.ipynb', async () => {
    await registerSession(a.url, 'snap-late');
    const runId = await createRun('snap-late');
    assert.equal(await file(runId, 'notebook/start.ipynb'), null);
    await putNotebook(a.url, 'snap-late', notebook('late = 1'));
    await putNotebook(a.url, 'snap-late', notebook('later = 2'));
    assert.match((await file(runId, 'notebook/start.ipynb'))!, /late = 1/);
  });

  test('end.ipynb is the latest snapshot at the end, replaced once by the snapshot that follows the end', async () => {
    await registerSession(a.url, 'snap-end');
    await putNotebook(a.url, 'snap-end', notebook('train()'));
    const runId = await createRun('snap-end');
    await endRun('snap-end', runId);
    assert.match((await file(runId, 'notebook/end.ipynb'))!, /train\(\)/);
    assert.doesNotMatch((await file(runId, 'notebook/end.ipynb'))!, /loss went down/);
    // the extension sends the notebook when the ending cell finishes: with that cell's outputs
    await putNotebook(a.url, 'snap-end', notebook('train()', 'loss went down'));
    assert.match((await file(runId, 'notebook/end.ipynb'))!, /loss went down/);
    // later edits are not this run's
    await putNotebook(a.url, 'snap-end', notebook('something else entirely'));
    assert.match((await file(runId, 'notebook/end.ipynb'))!, /loss went down/);
    assert.match((await file(runId, 'notebook/start.ipynb'))!, /train\(\)/);
  });

  test('a run ended without any snapshot gets both from the first one that arrives', async () => {
    await registerSession(a.url, 'snap-none');
    const runId = await createRun('snap-none');
    await endRun('snap-none', runId);
    assert.equal(await file(runId, 'notebook/end.ipynb'), null);
    await putNotebook(a.url, 'snap-none', notebook('only = 1'));
    assert.match((await file(runId, 'notebook/start.ipynb'))!, /only = 1/);
    assert.match((await file(runId, 'notebook/end.ipynb'))!, /only = 1/);
  });

  test('a run ended from outside the prefix (the root API) gets its end snapshot too', async () => {
    await registerSession(a.url, 'snap-root');
    await putNotebook(a.url, 'snap-root', notebook('root = 1'));
    const runId = await createRun('snap-root');
    await sendJson(a.url, 'POST', '/api/2.0/mlflow/runs/update', { run_id: runId, status: 'KILLED', end_time: Date.now() });
    // ended elsewhere, the snapshot follows the store's announcement: wait for it
    for (let i = 0; (await file(runId, 'notebook/end.ipynb')) === null; i++) {
      assert.ok(i < 200, 'end.ipynb never appeared');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.match((await file(runId, 'notebook/end.ipynb'))!, /root = 1/);
  });

  test('environment/packages.txt lists the session packages, one per line', async () => {
    await registerSession(a.url, 'snap-pkgs');
    const runId = await createRun('snap-pkgs');
    assert.equal(await file(runId, 'environment/packages.txt'), 'numpy==1.26.4\nscikit-learn==1.4.2\n');
    await registerSession(a.url, 'snap-nopkgs', { notebook_path: 'p.ipynb', kernel: { language: 'python' } });
    assert.equal(await file(await createRun('snap-nopkgs'), 'environment/packages.txt'), null);
  });

  test('the execution log holds the cells that overlap the run, in order; one that ended before it is not there', async () => {
    await registerSession(a.url, 'exec-one');
    const t0 = Date.now() - 100_000;
    const runId = await createRun('exec-one', t0 + 10_000);
    const cell = (n: number, started: number, ended: number, extra: Partial<CellExecution> = {}): CellExecution => ({
      cell_id: `c${n}`,
      execution_count: n,
      source: `step_${n}()`,
      started,
      ended,
      status: 'ok',
      ...extra,
    });
    const before = cell(1, t0, t0 + 5_000);
    const straddling = cell(2, t0 + 8_000, t0 + 12_000); // started before the run, was running when it started
    const inside = cell(3, t0 + 20_000, t0 + 21_000, { status: 'error', error_name: 'ValueError' });
    assert.deepEqual(await postExecutions(a.url, 'exec-one', [before, straddling]), [runId]);
    assert.deepEqual(await postExecutions(a.url, 'exec-one', [inside]), [runId]);
    await endRun('exec-one', runId, t0 + 30_000);
    const afterEnd = cell(4, t0 + 40_000, t0 + 41_000);
    assert.deepEqual(await postExecutions(a.url, 'exec-one', [afterEnd]), []);
    const lines = (await file(runId, 'notebook/execution_log.jsonl'))!.trimEnd().split('\n').map((l) => JSON.parse(l) as CellExecution);
    assert.deepEqual(lines, [straddling, inside]);
    assert.deepEqual(Object.keys(lines[1]!), ['cell_id', 'execution_count', 'source', 'started', 'ended', 'status', 'error_name']);
  });

  test('a cell that overlaps two runs of the session goes into both logs', async () => {
    await registerSession(a.url, 'exec-two');
    const t0 = Date.now() - 100_000;
    const first = await createRun('exec-two', t0);
    await endRun('exec-two', first, t0 + 10_000);
    const second = await createRun('exec-two', t0 + 9_000);
    const other = await createRun('snap-pkgs', t0); // another session's run: never
    const both: CellExecution = { execution_count: 7, source: 'fit()', started: t0 + 9_500, ended: t0 + 9_900, status: 'ok' };
    const onlySecond: CellExecution = { execution_count: 8, source: 'eval()', started: t0 + 20_000, ended: t0 + 20_500, status: 'aborted' };
    const touched = await postExecutions(a.url, 'exec-two', [both, onlySecond]);
    assert.deepEqual(touched.sort(), [first, second].sort());
    const log = async (runId: string) => ((await file(runId, 'notebook/execution_log.jsonl')) ?? '').trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l) as CellExecution);
    assert.deepEqual(await log(first), [both]);
    assert.deepEqual(await log(second), [both, onlySecond]);
    assert.deepEqual(await log(other), []);
  });
});
