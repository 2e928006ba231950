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
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startAgent, type StartedAgent } from '../support/startAgent.js';
import { describeRequest, readScenarios } from '../support/transcriptExchange.js';
import { planReplay } from '../support/transcriptPlan.js';
import { TranscriptReplayer } from '../support/transcriptReplay.js';
import { withUploadBodies } from '../support/transcriptUploads.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/mlflow-transcripts/', import.meta.url));
const scenarios = await readScenarios(FIXTURES);

test('the transcript fixtures are all there', () => {
  assert.deepEqual(
    scenarios.map((s) => s.name.slice(0, 3)),
    ['s01', 's02', 's03', 's04', 's05', 's06', 's07'],
  );
});

for (const scenario of scenarios) {
  describe(`MLflow transcript ${scenario.name}`, () => {
    let started: StartedAgent | undefined;
    let replayer: TranscriptReplayer;
    before(async () => {
      started = await startAgent();
      replayer = new TranscriptReplayer(started.url);
    });
    after(() => started?.close());

    for (const { exchange: ex, todo } of planReplay(withUploadBodies(scenario.exchanges))) {
      const title = `#${ex.seq} ${ex.method} ${ex.path} → ${ex.status}`;
      if (todo !== undefined) {
        test(title, { todo });
        continue;
      }
      test(title, async () => {
        const { sent, problems } = await replayer.replay(ex);
        assert.ok(
          problems.length === 0,
          [`${scenario.name} #${ex.seq} (line ${ex.line})`, `recorded: ${describeRequest(ex, 300)}`, `sent:     ${sent}`, ...problems.map((p) => `  ${p}`)].join('\n'),
        );
      });
    }
  });
}
