/**
 * The real MLflow 2.12.2 client talked to the real MLflow 2.12.2 server (SQLite store,
 * --serve-artifacts); test/fixtures/mlflow-transcripts holds what went over the wire, one
 * scenario a file. Each scenario is replayed here against a fresh lablog agent, request by
 * request, and every reply must match the recorded one: the same status, the same error_code,
 * the same fields, types, list lengths and values, up to ids and clocks (the rules and what
 * they tolerate are in test/support/transcriptCompare.ts and transcriptIds.ts).
 *
 * Every recorded exchange is replayed, artifact uploads, listings and downloads included
 * (byte for byte; the recordings lack upload bodies, see transcriptUploads.ts). Exchanges with an endpoint lablog does not implement would be reported as
 * todo (see transcriptPlan.ts); today there are none.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readScenarios } from '../support/transcriptExchange.js';
import { replaySuite } from '../support/transcriptSuite.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/mlflow-transcripts/', import.meta.url));
const scenarios = await readScenarios(FIXTURES);

test('the transcript fixtures are all there', () => {
  assert.deepEqual(
    scenarios.map((s) => s.name.slice(0, 3)),
    ['s01', 's02', 's03', 's04', 's05', 's06', 's07'],
  );
});

replaySuite(scenarios, 'MLflow transcript');
