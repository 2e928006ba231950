import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyLiveEvent, runFromEvent } from '@lablog/client';
import type { LiveEvent, WireRun } from '@lablog/schema';

const info = { run_id: 'r1', run_uuid: 'r1', experiment_id: '1', run_name: 'a', user_id: 'u', status: 'RUNNING', start_time: 1, lifecycle_stage: 'active', artifact_uri: 'x' } as WireRun['info'];
const base: WireRun = { info, data: { params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 't', value: '1' }, { key: 'gone', value: 'x' }], metrics: [{ key: 'loss', value: 1, step: 5, timestamp: 10 }] }, inputs: {} };

test('a live event gives a new run and leaves the one given alone', () => {
  const snapshot = JSON.stringify(base);
  const ev: LiveEvent = { kind: 'metrics', experiment_id: '1', run_id: 'r1', metrics: [{ key: 'loss', value: 0.5, step: 6, timestamp: 11 }, { key: 'acc', value: 0.9, step: 0, timestamp: 11 }] } as LiveEvent;
  const next = applyLiveEvent(base, ev);
  assert.notEqual(next, base);
  assert.equal(JSON.stringify(base), snapshot);
  assert.deepEqual(next.data.metrics, [{ key: 'loss', value: 0.5, step: 6, timestamp: 11 }, { key: 'acc', value: 0.9, step: 0, timestamp: 11 }]);
});

test('an older point does not replace the latest value (the one latest-metric rule)', () => {
  const ev = { kind: 'metrics', experiment_id: '1', run_id: 'r1', metrics: [{ key: 'loss', value: 7, step: 4, timestamp: 99 }] } as LiveEvent;
  assert.deepEqual(applyLiveEvent(base, ev).data.metrics, base.data.metrics);
});

test('tags are set in place, added at the end, and deleted', () => {
  const ev = { kind: 'tags', experiment_id: '1', run_id: 'r1', tags: [{ key: 't', value: '2' }, { key: 'new', value: 'n' }], deleted: ['gone'] } as LiveEvent;
  assert.deepEqual(applyLiveEvent(base, ev).data.tags, [{ key: 't', value: '2' }, { key: 'new', value: 'n' }]);
});

test('params, run info, inputs; other kinds give the same run back', () => {
  const p = applyLiveEvent(base, { kind: 'params', experiment_id: '1', run_id: 'r1', params: [{ key: 'bs', value: '32' }] } as LiveEvent);
  assert.deepEqual(p.data.params, [{ key: 'lr', value: '0.1' }, { key: 'bs', value: '32' }]);
  const r = applyLiveEvent(base, { kind: 'run', experiment_id: '1', run_id: 'r1', info: { ...info, status: 'FINISHED' } } as LiveEvent);
  assert.equal(r.info.status, 'FINISHED');
  assert.deepEqual(r.data.tags, base.data.tags);
  const ds = { dataset: { name: 'd', digest: 'x', source_type: 'local', source: 's' }, tags: [] };
  const i = applyLiveEvent(base, { kind: 'inputs', experiment_id: '1', run_id: 'r1', inputs: [ds] } as unknown as LiveEvent);
  assert.deepEqual(i.inputs.dataset_inputs, [ds]);
  assert.equal(applyLiveEvent(base, { kind: 'artifact', experiment_id: '1', run_id: 'r1' } as unknown as LiveEvent), base);
  const fresh = runFromEvent({ kind: 'run', experiment_id: '1', run_id: 'r1', info, tags: [{ key: 'a', value: 'b' }] } as Extract<LiveEvent, { kind: 'run' }>);
  assert.deepEqual(fresh, { info, data: { tags: [{ key: 'a', value: 'b' }] }, inputs: {} });
});
