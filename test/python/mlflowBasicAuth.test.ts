/**
 * The real MLflow client with basic auth (`mlflow.server.get_app_client("basic-auth")`,
 * MLFLOW_TRACKING_USERNAME/PASSWORD) against a team server with users: python/auth, run with
 * MLflow 3 (LABLOG_MLFLOW3_VENV) and MLflow 2.12.2 (LABLOG_MLFLOW2_VENV), whose clients use
 * different permission endpoints (3.x the unified grant API, 2.x per experiment). A run whose
 * venv is not set is skipped and says why.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { engineMissing, startEngineAgent } from '../support/engines.js';
import { ADMIN_PASSWORD } from '../auth/authHelpers.js';
import { runPytest, venvMissing } from '../support/pytest.js';


describe('the real MLflow client with basic auth (python/auth), team server on PostgreSQL', async () => {
  const pgSkip = await engineMissing('postgresql');
  for (const [label, variable, requirements] of [
    ['MLflow 3', 'LABLOG_MLFLOW3_VENV', 'python/e2e-requirements.txt'],
    ['MLflow 2.12.2', 'LABLOG_MLFLOW2_VENV', 'python/conformance-requirements.txt'],
  ] as const) {
    const venv = process.env[variable];
    const skip = pgSkip ?? venvMissing(variable, requirements);
    test(`${label}: users, grants, allowed and refused calls`, { skip, timeout: 5 * 60_000 }, async () => {
      const a = await startEngineAgent('postgresql', { auth: { adminPassword: ADMIN_PASSWORD } });
      try {
        const { code, output } = await runPytest(venv!, 'python/auth', { MLFLOW_TRACKING_USERNAME: '', MLFLOW_TRACKING_PASSWORD: '', LABLOG_AUTH_URL: a.url, LABLOG_AUTH_ADMIN: 'admin', LABLOG_AUTH_ADMIN_PASSWORD: ADMIN_PASSWORD });
        assert.equal(code, 0, output.slice(-6000));
      } finally {
        await a.close();
      }
    });
  }
});
