/**
 * The real Python mlflow client, end to end, against the built agent: the pytest suite in
 * python/e2e, run once with the current MLflow 3 (the venv named by LABLOG_MLFLOW3_VENV, from
 * python/e2e-requirements.txt) and once with MLflow 2.12.2 (LABLOG_MLFLOW2_VENV, from
 * python/conformance-requirements.txt). .ci/run makes both venvs and sets both variables; where
 * one is not set, its run is skipped and says why.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, engineMissing } from '../support/engines.js';
import { dropDatabase, freshDatabase } from '../support/postgres.js';

function findRepo(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'python', 'e2e')) && existsSync(join(dir, 'agent', 'bin', 'lablog.js'))) return dir;
    if (dirname(dir) === dir) throw new Error(`the repository root was not found above ${from}`);
  }
}

const REPO = findRepo(import.meta.dirname);

function skipReason(variable: string, requirements: string): string | false {
  const venv = process.env[variable];
  if (!venv) return `${variable} is not set (.ci/run makes the venv from ${requirements})`;
  if (!existsSync(join(venv, 'bin', 'python'))) return `${variable}=${venv} has no bin/python`;
  return false;
}

/**
 * Runs pytest on python/e2e with the venv's Python; resolves to its exit code and output.
 * @param env extra environment (with PostgreSQL: the launcher that serves a database, see support/lablogOnDatabase)
 */
function pytest(venv: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(venv, 'bin', 'python'), ['-m', 'pytest', 'python/e2e', '-q', '-p', 'no:cacheprovider', '-rfEs', '--color=no'], {
      cwd: REPO,
      // SETUPTOOLS_USE_DISTUTILS: setuptools' distutils shim, installed at interpreter start, trips over
      // the stdlib distutils that mlflow 2.12's dependencies import (an AssertionError in sklearn autolog)
      env: { ...process.env, LABLOG_NODE: process.execPath, PYTHONDONTWRITEBYTECODE: '1', SETUPTOOLS_USE_DISTUTILS: 'stdlib', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

for (const engine of ENGINES) {
  describe(`the real mlflow client against the agent (python/e2e), ${engine} store`, async () => {
    const engineSkip = await engineMissing(engine);
    for (const [label, variable, requirements] of [
      ['MLflow 3', 'LABLOG_MLFLOW3_VENV', 'python/e2e-requirements.txt'],
      ['MLflow 2.12.2', 'LABLOG_MLFLOW2_VENV', 'python/conformance-requirements.txt'],
    ] as const) {
      test(`${label}: every test of the suite passes`, { skip: engineSkip ?? skipReason(variable, requirements), timeout: 15 * 60_000 }, async () => {
        const database = engine === 'postgresql' ? await freshDatabase() : undefined;
        try {
          const env = database ? { LABLOG_AGENT_JS: join(import.meta.dirname, '..', 'support', 'lablogOnDatabase.js'), LABLOG_TEST_DATABASE: database } : {};
          const { code, output } = await pytest(process.env[variable] as string, env);
          assert.equal(code, 0, output.slice(-6000));
        } finally {
          if (database) await dropDatabase(database);
        }
      });
    }
  });
}
