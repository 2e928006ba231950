/**
 * The real Python mlflow client, end to end, against the built agent: the pytest suite in
 * python/e2e, run once with the current MLflow 3 (the venv named by LABLOG_MLFLOW3_VENV, from
 * python/e2e-requirements.txt) and once with MLflow 2.12.2 (LABLOG_MLFLOW2_VENV, from
 * python/conformance-requirements.txt). .ci/run makes both venvs and sets both variables; where
 * one is not set, its run is skipped and says why.
 */
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, engineMissing } from '../support/engines.js';
import { dropDatabase, freshDatabase } from '../support/postgres.js';
import { runPytest, venvMissing } from '../support/pytest.js';


for (const engine of ENGINES) {
  describe(`the real mlflow client against the agent (python/e2e), ${engine} store`, async () => {
    const engineSkip = await engineMissing(engine);
    for (const [label, variable, requirements] of [
      ['MLflow 3', 'LABLOG_MLFLOW3_VENV', 'python/e2e-requirements.txt'],
      ['MLflow 2.12.2', 'LABLOG_MLFLOW2_VENV', 'python/conformance-requirements.txt'],
    ] as const) {
      test(`${label}: every test of the suite passes`, { skip: engineSkip ?? venvMissing(variable, requirements), timeout: 15 * 60_000 }, async () => {
        const database = engine === 'postgresql' ? await freshDatabase() : undefined;
        try {
          const env = database ? { LABLOG_AGENT_JS: join(import.meta.dirname, '..', 'support', 'lablogOnDatabase.js'), LABLOG_TEST_DATABASE: database } : {};
          const { code, output } = await runPytest(process.env[variable] as string, 'python/e2e', env);
          assert.equal(code, 0, output.slice(-6000));
        } finally {
          if (database) await dropDatabase(database);
        }
      });
    }
  });
}
