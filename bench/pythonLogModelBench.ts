/**
 * MLflow 3's log_model path with the real client, against the agent and against MLflow's own
 * server (`mlflow server` of the same venv, SQLite store, artifacts served) on this machine: a run
 * with 50 metrics × 10,000 steps logged with log_batch, then `mlflow.sklearn.log_model(name=…)`,
 * which creates a logged model, re-reads every metric history of the run, re-logs the model's
 * step with its id, uploads and finalizes. Printed side by side with the ratio.
 * Needs the MLflow 3 venv of python/e2e (LABLOG_MLFLOW3_VENV, as .ci/run makes it).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fmt, type Row } from './table.js';

const METRICS = 50;
const STEPS = 10_000;

interface Timing {
  log_s: number;
  log_model_s: number;
  history_s: number;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** `mlflow server` from the venv on a fresh SQLite store in `dir`; resolves once /health answers. */
async function startMlflowServer(venv: string, dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const log = await open(join(dir, 'server.log'), 'w');
  const args = ['server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1', '--backend-store-uri', `sqlite:///${dir}/mlflow.db`, '--artifacts-destination', join(dir, 'artifacts')];
  // its own process group: `mlflow server` runs uvicorn as a child, and both are stopped together
  const child = spawn(join(venv, 'bin', 'mlflow'), args, { cwd: dir, detached: true, stdio: ['ignore', log.fd, log.fd], env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true' } });
  await log.close();
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`mlflow server exited (${child.exitCode}); see ${dir}/server.log`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stopGroup(child);
  throw new Error('mlflow server did not answer /health within 60 s');
}

function stopGroup(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
}

async function timeLogModel(python: string, url: string): Promise<Timing> {
  const script = join(import.meta.dirname, '..', '..', '..', 'python', 'bench', 'log_model_path.py');
  const { stdout } = await promisify(execFile)(python, [script, url, String(METRICS), String(STEPS)], { env: { ...process.env, GIT_PYTHON_REFRESH: 'quiet', MLFLOW_DISABLE_TELEMETRY: 'true' }, timeout: 1_800_000, maxBuffer: 16 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Timing;
}

/** Measures against the agent at `agentUrl` and against MLflow's own server, started here. */
export async function pythonLogModelBench(agentUrl: string): Promise<Row[]> {
  const venv = process.env.LABLOG_MLFLOW3_VENV;
  if (!venv) return [{ figure: 'MLflow 3 log_model path', value: 'not measured: LABLOG_MLFLOW3_VENV is not set (.ci/run makes it)', target: '-' }];
  const python = join(venv, 'bin', 'python');
  const agent = await timeLogModel(python, agentUrl);
  const dir = await mkdtemp(join(tmpdir(), 'lablog-mlflow-server-'));
  let mlflow: Timing;
  try {
    const server = await startMlflowServer(venv, dir);
    try {
      mlflow = await timeLogModel(python, server.url);
    } finally {
      stopGroup(server.child);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const points = `${METRICS} metrics x ${fmt(STEPS)} steps`;
  return [
    { figure: `MLflow 3 client log_batch of ${points} (1000 a call), agent`, value: `${fmt(agent.log_s, 1)} s`, target: '-', reference: `MLflow server (SQLite): ${fmt(mlflow.log_s, 1)} s, agent/MLflow ${fmt(agent.log_s / mlflow.log_s, 2)}` },
    { figure: `MLflow 3 sklearn.log_model(name=) on that run (re-reads every history), agent`, value: `${fmt(agent.log_model_s, 1)} s`, target: '-', reference: `MLflow server (SQLite): ${fmt(mlflow.log_model_s, 1)} s, agent/MLflow ${fmt(agent.log_model_s / mlflow.log_model_s, 2)}` },
    { figure: `the same ${METRICS} get_metric_history calls, timed alone after it, agent`, value: `${fmt(agent.history_s, 1)} s`, target: '-', reference: `MLflow server (SQLite): ${fmt(mlflow.history_s, 1)} s, agent/MLflow ${fmt(agent.history_s / mlflow.history_s, 2)}` },
  ];
}
