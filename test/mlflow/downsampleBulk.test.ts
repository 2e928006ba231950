/**
 * `POST /api/2.0/lablog/metrics/downsample-bulk`: one metric of several runs in one request,
 * each answer equal to the single endpoint's; a run that cannot be read answers its own error
 * without taking the others with it; bad input is refused whole. And the TS client's
 * `query.downsample` coalesces the reads of one turn into bulk requests.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Lablog } from 'lablog/client';
import { newRun, post } from '../support/mlflowHttp.js';
import { startRecordingProxy } from '../support/recordingProxy.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

let agent: StartedAgent;
const runs: string[] = [];

before(async () => {
  agent = await startAgent();
  for (let r = 0; r < 3; r++) {
    const { runId } = await newRun(agent.url, `bulk-${r}`, 'r');
    runs.push(runId);
    const metrics = Array.from({ length: 500 }, (_, i) => ({ key: 'loss', value: r * 1000 + i, step: i, timestamp: 1000 + i }));
    assert.equal((await post(agent.url, 'runs/log-batch', { run_id: runId, metrics })).status, 200);
  }
});
after(() => agent.close());

const bulk = (body: unknown) =>
  fetch(`${agent.url}/api/2.0/lablog/metrics/downsample-bulk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

test('each run answers what the single endpoint answers, in the order asked, ranges per run', async () => {
  const res = await bulk({ metric_key: 'loss', buckets: 50, runs: [{ run_id: runs[2] }, { run_id: runs[0], x_min: 100, x_max: 199 }] });
  assert.equal(res.status, 200);
  const single = async (runId: string, q: Record<string, string> = {}) =>
    (await fetch(`${agent.url}/api/2.0/lablog/metrics/downsample?${new URLSearchParams({ run_id: runId, metric_key: 'loss', buckets: '50', ...q })}`)).json();
  assert.deepEqual(res.body.results, [
    { run_id: runs[2], reply: await single(runs[2]!) },
    { run_id: runs[0], reply: await single(runs[0]!, { x_min: '100', x_max: '199' }) },
  ]);
});

test('an unknown run answers its own error; bad input is refused whole', async () => {
  const res = await bulk({ metric_key: 'loss', runs: [{ run_id: 'nope' }, { run_id: runs[1] }] });
  assert.equal(res.status, 200);
  assert.equal(res.body.results[0].error_code, 'RESOURCE_DOES_NOT_EXIST');
  assert.equal(res.body.results[1].reply.total, 500);
  assert.equal((await bulk({ metric_key: 'loss', runs: [{ run_id: runs[0], x_min: 5, x_max: 1 }] })).status, 400);
  assert.equal((await bulk({ metric_key: 'loss', runs: [] })).status, 400);
  assert.equal((await bulk({ metric_key: 'loss', runs: Array.from({ length: 101 }, () => ({ run_id: runs[0] })) })).status, 400);
  assert.equal((await bulk({ runs: [{ run_id: runs[0] }] })).status, 400);
});

test('the client coalesces the reads of one turn into one bulk request per metric', async () => {
  const proxy = await startRecordingProxy(agent.url, false);
  const lablog = new Lablog({ url: proxy.url, spoolDir: false, onError: null });
  try {
    const replies = await Promise.all([...runs, ...runs].map((id, i) => lablog.query.downsample(id, 'loss', { buckets: 20, ...(i >= 3 ? { xMin: 400 } : {}) })));
    assert.deepEqual(replies.map((r) => r.total), [500, 500, 500, 100, 100, 100]);
    const downsampling = proxy.requests.filter((r) => r.path.includes('/metrics/downsample'));
    assert.deepEqual(downsampling.map((r) => r.path), ['/api/2.0/lablog/metrics/downsample-bulk']);
    // a run that cannot be read rejects its own read only
    const [bad, good] = await Promise.allSettled([lablog.query.downsample('nope', 'loss'), lablog.query.downsample(runs[0]!, 'loss')]);
    assert.equal(bad.status, 'rejected');
    assert.equal(bad.status === 'rejected' && (bad.reason as { code?: string }).code, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(good.status === 'fulfilled' && good.value.total, 500);
    // a single read goes as a single request
    await lablog.query.downsample(runs[1]!, 'loss');
    assert.equal(proxy.requests.at(-1)?.path, '/api/2.0/lablog/metrics/downsample');
  } finally {
    await lablog.close();
    await proxy.close();
  }
});
