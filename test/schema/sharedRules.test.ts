/**
 * The rules the agent, the client and the extension share (@lablog/schema): the metric number
 * codec and which point is a metric's latest value.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromWireDouble, replacesLatest, toWireDouble, wireDoubleJson } from '@lablog/schema';

test('metric values: non-finite ones travel as MLflow strings and come back as numbers', () => {
  assert.deepEqual([NaN, Infinity, -Infinity, 0.5].map(toWireDouble), ['NaN', 'Infinity', '-Infinity', 0.5]);
  assert.deepEqual(['NaN', 'Infinity', '-Infinity', 2].map(fromWireDouble), [NaN, Infinity, -Infinity, 2]);
  assert.deepEqual([NaN, -Infinity, 1e-7].map(wireDoubleJson), ['"NaN"', '"-Infinity"', '1e-7']);
});

test('the latest value: highest step, then newest timestamp, then the one logged later', () => {
  assert.equal(replacesLatest({ step: 2, timestamp: 1 }, { step: 1, timestamp: 9 }), true);
  assert.equal(replacesLatest({ step: 1, timestamp: 9 }, { step: 2, timestamp: 1 }), false);
  assert.equal(replacesLatest({ step: 1, timestamp: 6 }, { step: 1, timestamp: 5 }), true);
  assert.equal(replacesLatest({ step: 1, timestamp: 4 }, { step: 1, timestamp: 5 }), false);
  assert.equal(replacesLatest({ step: 1, timestamp: 5 }, { step: 1, timestamp: 5 }), true);
});
