/**
 * A run's execution log is appended to, not rewritten: many reports in a row make one log in
 * order, and a line cut short by a crash stays a line of its own while the next ones are whole.
 */
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CellExecution } from '@lablog/schema';
import { artifactText, postExecutions, registerSession, sendJson } from '../support/notebookHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

let a: StartedAgent;
before(async () => {
  a = await startAgent();
});
after(() => a.close());

async function notebookRun(session: string): Promise<string> {
  await registerSession(a.url, session);
  const r = await sendJson<{ run: { info: { run_id: string } } }>(a.url, 'POST', `/nb/${session}/api/2.0/mlflow/runs/create`, { experiment_id: '0', start_time: 1000 });
  assert.equal(r.status, 200);
  return r.body.run.info.run_id;
}

const cell = (n: number): CellExecution => ({ cell_id: `c${n}`, execution_count: n, source: `x = ${n}\n${'#'.repeat(n % 50)}`, started: 2000 + n, ended: 2001 + n, status: 'ok' });

test('300 reports, one after the other, make one log with every cell once, in order', async () => {
  const runId = await notebookRun('log-many');
  for (let n = 0; n < 300; n++) assert.deepEqual(await postExecutions(a.url, 'log-many', [cell(n)]), [runId]);
  const lines = (await artifactText(a.url, runId, 'notebook/execution_log.jsonl'))!.trimEnd().split('\n');
  assert.deepEqual(
    lines.map((l) => (JSON.parse(l) as CellExecution).execution_count),
    Array.from({ length: 300 }, (_, n) => n),
  );
});

test('a last line cut short by a crash stays apart; the cells after it are whole lines', async () => {
  const runId = await notebookRun('log-torn');
  await postExecutions(a.url, 'log-torn', [cell(1)]);
  const file = join(a.storeDir, 'runs', runId, 'artifacts', 'notebook', 'execution_log.jsonl');
  await appendFile(file, '{"cell_id":"c2","execution_co');
  await postExecutions(a.url, 'log-torn', [cell(3)]);
  const lines = (await artifactText(a.url, runId, 'notebook/execution_log.jsonl'))!.split('\n');
  assert.equal(lines.length, 4);
  assert.equal((JSON.parse(lines[0]!) as CellExecution).execution_count, 1);
  assert.equal(lines[1], '{"cell_id":"c2","execution_co');
  assert.equal((JSON.parse(lines[2]!) as CellExecution).execution_count, 3);
  assert.equal(lines[3], '');
});
