/**
 * The real MLflow client with basic auth (`mlflow.server.get_app_client("basic-auth")`,
 * MLFLOW_TRACKING_USERNAME/PASSWORD) against a team server with users: python/auth, run with
 * MLflow 3 (LABLOG_MLFLOW3_VENV) and MLflow 2.12.2 (LABLOG_MLFLOW2_VENV), whose clients use
 * different permission endpoints (3.x the unified grant API, 2.x per experiment). A run whose
 * venv is not set is skipped and says why.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { engineMissing, startEngineAgent } from '../support/engines.js';
import { ADMIN_PASSWORD } from '../auth/authHelpers.js';

function findRepo(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'python', 'auth'))) return dir;
    if (dirname(dir) === dir) throw new Error(`the repository root was not found above ${from}`);
  }
}

const REPO = findRepo(import.meta.dirname);

function pytest(venv: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(venv, 'bin', 'python'), ['-m', 'pytest', 'python/auth', '-q', '-p', 'no:cacheprovider', '-rfEs', '--color=no'], {
      cwd: REPO,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', SETUPTOOLS_USE_DISTUTILS: 'stdlib', MLFLOW_TRACKING_USERNAME: '', MLFLOW_TRACKING_PASSWORD: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the real MLflow client with basic auth (python/auth), team server on PostgreSQL', async () => {
  const pgSkip = await engineMissing('postgresql');
  for (const [label, variable] of [
    ['MLflow 3', 'LABLOG_MLFLOW3_VENV'],
    ['MLflow 2.12.2', 'LABLOG_MLFLOW2_VENV'],
  ] as const) {
    const venv = process.env[variable];
    const skip = pgSkip ?? (!venv ? `${variable} is not set` : !existsSync(join(venv, 'bin', 'python')) ? `${variable}=${venv} has no bin/python` : false);
    test(`${label}: users, grants, allowed and refused calls`, { skip, timeout: 5 * 60_000 }, async () => {
      const a = await startEngineAgent('postgresql', { auth: { adminPassword: ADMIN_PASSWORD } });
      try {
        const { code, output } = await pytest(venv!, { LABLOG_AUTH_URL: a.url, LABLOG_AUTH_ADMIN: 'admin', LABLOG_AUTH_ADMIN_PASSWORD: ADMIN_PASSWORD });
        assert.equal(code, 0, output.slice(-6000));
      } finally {
        await a.close();
      }
    });
  }
});
