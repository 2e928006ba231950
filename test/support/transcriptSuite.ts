/**
 * The node:test suite of a folder of recorded MLflow transcripts: one `describe` a scenario, each
 * on a fresh agent, one test an exchange, replayed in order and compared to the recording (see
 * transcriptReplay.ts, transcriptCompare.ts). Used for the 2.12 and the MLflow 3 recordings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startAgent, type StartedAgent } from './startAgent.js';
import { describeRequest, type Scenario } from './transcriptExchange.js';
import { planReplay } from './transcriptPlan.js';
import { TranscriptReplayer } from './transcriptReplay.js';
import { withUploadBodies } from './transcriptUploads.js';

/**
 * A documented way in which lablog answers otherwise than MLflow's server (README): the
 * differences it excuses are left out of the comparison of the exchanges it names, and reported
 * as a test diagnostic instead. Every other difference in those exchanges still fails.
 */
export interface Deviation {
  /** Matched against `<scenario>#<seq> <METHOD> <path>`. */
  exchange: RegExp;
  /** Matched against each difference line of the comparer (`$.experiment.workspace: missing …`). */
  problem: RegExp;
  /** Why, in a few words (the README says more). */
  reason: string;
}

/**
 * Declares the replay tests of some scenarios.
 * @param scenarios the recordings (readScenarios)
 * @param label the suite title's prefix, e.g. `MLflow transcript`
 * @param deviations differences that are documented on purpose (default: none)
 */
export function replaySuite(scenarios: readonly Scenario[], label: string, deviations: readonly Deviation[] = []): void {
  for (const scenario of scenarios) {
    describe(`${label} ${scenario.name}`, () => {
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
        const where = `${scenario.name}#${ex.seq} ${ex.method} ${ex.path}`;
        const excuses = deviations.filter((d) => d.exchange.test(where));
        test(title, async (t) => {
          const { sent, problems: all } = await replayer.replay(ex);
          const problems = all.filter((p) => {
            const excuse = excuses.find((d) => d.problem.test(p));
            if (excuse !== undefined) t.diagnostic(`documented deviation (${excuse.reason}): ${p}`);
            return excuse === undefined;
          });
          assert.ok(
            problems.length === 0,
            [`${scenario.name} #${ex.seq} (line ${ex.line})`, `recorded: ${describeRequest(ex, 300)}`, `sent:     ${sent}`, ...problems.map((p) => `  ${p}`)].join('\n'),
          );
        });
      }
    });
  }
}
