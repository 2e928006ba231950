/**
 * Running one of the repository's pytest suites (python/e2e, python/auth) with a venv's Python,
 * for the tests that drive the real MLflow client. A venv is named by an environment variable
 * (.ci/run sets them); where it is not set, the test is skipped and says why.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRepo(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'python', 'e2e')) && existsSync(join(dir, 'agent', 'bin', 'lablog.js'))) return dir;
    if (dirname(dir) === dir) throw new Error(`the repository root was not found above ${from}`);
  }
}

/** The repository's root. */
export const REPO = findRepo(import.meta.dirname);

/** Why a test needing the venv named by `variable` is skipped, or false when the venv is there. */
export function venvMissing(variable: string, requirements: string): string | false {
  const venv = process.env[variable];
  if (!venv) return `${variable} is not set (.ci/run makes the venv from ${requirements})`;
  if (!existsSync(join(venv, 'bin', 'python'))) return `${variable}=${venv} has no bin/python`;
  return false;
}

/**
 * Runs pytest on `suite` (a folder of the repository) with the venv's Python; resolves to its exit
 * code and output.
 * @param env extra environment
 */
export function runPytest(venv: string, suite: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(venv, 'bin', 'python'), ['-m', 'pytest', suite, '-q', '-p', 'no:cacheprovider', '-rfEs', '--color=no'], {
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
