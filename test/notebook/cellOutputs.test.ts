/**
 * What a cell displayed while a notebook-linked run was active is stored in that run, and only in
 * the runs active while the cell ran: its images as `figures/cell-<n>-<k>.<ext>` (the bytes as
 * displayed), its console text appended to `logs/console.log`, one block per cell.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CONSOLE_HEADER, type LogCellOutputs } from '@lablog/schema';
import { post } from '../support/mlflowHttp.js';
import { artifactBytes, artifactText, postOutputs, registerSession, sendJson, sessionPath } from '../support/notebookHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

let a: StartedAgent;
before(async () => {
  a = await startAgent({ systemMetrics: { intervalMs: 0 } });
});
after(() => a.close());

// a 1×1 PNG
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>';

async function notebookRun(session: string, start: number): Promise<string> {
  const r = await sendJson<{ run: { info: { run_id: string } } }>(a.url, 'POST', `/nb/${session}/api/2.0/mlflow/runs/create`, { experiment_id: '0', start_time: start });
  assert.equal(r.status, 200);
  return r.body.run.info.run_id;
}

const cell = (n: number, started: number, over: Partial<LogCellOutputs> = {}): LogCellOutputs => ({
  cell_id: `c${n}`,
  execution_count: n,
  started,
  ended: started + 50,
  images: [],
  text: [],
  ...over,
});

test("a cell's images and text land in the run active while it ran, not in the one before or after", async () => {
  await registerSession(a.url, 'out-1');
  const first = await notebookRun('out-1', 1000);
  await post(a.url, 'runs/update', { run_id: first, status: 'FINISHED', end_time: 2000 });
  const second = await notebookRun('out-1', 3000);

  const reply = await postOutputs(
    a.url,
    'out-1',
    cell(12, 3500, {
      images: [
        { mime: 'image/png', data: PNG },
        { mime: 'image/svg+xml', data: SVG },
      ],
      text: [
        { stream: 'stdout', text: 'epoch 1 loss 0.25\n' },
        { stream: 'stderr', text: 'warning: slow\n' },
      ],
    }),
  );
  assert.deepEqual(reply, { run_ids: [second], paths: ['figures/cell-12-1.png', 'figures/cell-12-2.svg', 'logs/console.log'] });
  assert.deepEqual(await artifactBytes(a.url, second, 'figures/cell-12-1.png'), Buffer.from(PNG, 'base64'));
  assert.equal(await artifactText(a.url, second, 'figures/cell-12-2.svg'), SVG);
  assert.equal(await artifactBytes(a.url, first, 'figures/cell-12-1.png'), null, 'not in the run that had ended');
  assert.equal(await artifactText(a.url, first, 'logs/console.log'), null);

  await postOutputs(a.url, 'out-1', cell(13, 3600, { text: [{ stream: 'error', text: 'Traceback (most recent call last):\nValueError: bad' }] }));
  const log = (await artifactText(a.url, second, 'logs/console.log'))!.split('\n');
  assert.match(log[0]!, CONSOLE_HEADER);
  assert.equal(CONSOLE_HEADER.exec(log[0]!)![1], '12');
  assert.deepEqual(log.slice(1, 3), ['epoch 1 loss 0.25', 'warning: slow']);
  assert.equal(CONSOLE_HEADER.exec(log[3]!)![1], '13');
  assert.deepEqual(log.slice(4), ['Traceback (most recent call last):', 'ValueError: bad', '']);
});

test('a cell run while no run is active is stored nowhere; a silent cell adds no log block', async () => {
  await registerSession(a.url, 'out-2');
  const run = await notebookRun('out-2', 10_000);
  assert.deepEqual(await postOutputs(a.url, 'out-2', cell(1, 5000, { images: [{ mime: 'image/png', data: PNG }] })), { run_ids: [], paths: [] });
  assert.deepEqual(await postOutputs(a.url, 'out-2', cell(2, 10_100, { images: [{ mime: 'image/jpeg', data: PNG }] })), { run_ids: [run], paths: ['figures/cell-2-1.jpg'] });
  assert.equal(await artifactText(a.url, run, 'logs/console.log'), null);
});

test('bad outputs are refused and change nothing', async () => {
  await registerSession(a.url, 'out-3');
  const run = await notebookRun('out-3', 1000);
  const gif = await sendJson<{ error_code: string }>(a.url, 'POST', sessionPath('out-3', '/outputs'), { ...cell(1, 2000), images: [{ mime: 'image/gif', data: 'R0lG' }] });
  assert.equal(gif.status, 400);
  assert.equal(gif.body.error_code, 'INVALID_PARAMETER_VALUE');
  const backwards = await sendJson<{ error_code: string }>(a.url, 'POST', sessionPath('out-3', '/outputs'), { ...cell(1, 2000), ended: 1999, text: [{ stream: 'stdout', text: 'x' }] });
  assert.equal(backwards.status, 400);
  const unknown = await sendJson<{ error_code: string }>(a.url, 'POST', sessionPath('never-registered', '/outputs'), cell(1, 2000));
  assert.equal(unknown.status, 404);
  assert.equal(await artifactText(a.url, run, 'logs/console.log'), null);
});
