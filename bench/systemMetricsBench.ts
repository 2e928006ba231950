/**
 * What sampling system metrics costs the agent: 10 notebook-linked runs, each with a kernel of its
 * own (an idle process, as a kernel between cells), sampled at MLflow's 10 s and at 1 s; the agent
 * process's CPU time is read from /proc/<pid>/stat before and after each window, and again with
 * the runs ended (nothing sampled) for the agent's idle cost. Target: under 1 % of a core at 10 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAgentProcess } from '../test/support/agentProcess.js';
import { fullHistory, post } from '../test/support/mlflowHttp.js';
import { PYTHON_SESSION, registerSession, sendJson } from '../test/support/notebookHttp.js';
import { cpuSeconds } from './processCpu.js';
import { fmt, type Row } from './table.js';

const RUNS = 10;

/** The agent's CPU use over `seconds`, as a percentage of one core. */
async function cpuPercent(pid: number, seconds: number): Promise<number> {
  const c0 = await cpuSeconds(pid);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  return ((await cpuSeconds(pid)) - c0) / ((performance.now() - t0) / 1000) * 100;
}

/** One agent sampling RUNS runs every `intervalS`: its CPU while sampling over `windowS`, and with the runs ended. */
async function measure(intervalS: number, windowS: number): Promise<{ sampling: number; idle: number; samples: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'lablog-bench-sys-'));
  const agent = await startAgentProcess(['serve', '--port', '0', '--store', dir, '--system-metrics-interval', String(intervalS)]);
  const kernels: ChildProcess[] = [];
  try {
    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const k = spawn('sleep', ['3600'], { stdio: 'ignore' });
      kernels.push(k);
      const session = `bench-${i}`;
      await registerSession(agent.url, session, { ...PYTHON_SESSION, python: { ...PYTHON_SESSION.python!, hostname: hostname(), pid: k.pid! } });
      const r = await sendJson<{ run: { info: { run_id: string } } }>(agent.url, 'POST', `/nb/${session}/api/2.0/mlflow/runs/create`, { experiment_id: '0', start_time: Date.now() });
      runIds.push(r.body.run.info.run_id);
    }
    await sleep(1000); // the runs' start settles
    const pid = agent.child.pid!;
    const sampling = await cpuPercent(pid, windowS);
    const samples = (await fullHistory(agent.url, runIds[0]!, 'system/cpu_utilization_percentage')).length;
    for (const id of runIds) await post(agent.url, 'runs/update', { run_id: id, status: 'FINISHED', end_time: Date.now() });
    await sleep(1000);
    const idle = await cpuPercent(pid, Math.min(windowS, 20));
    return { sampling, idle, samples };
  } finally {
    for (const k of kernels) k.kill('SIGKILL');
    agent.child.kill('SIGTERM');
    await agent.exited;
    await rm(dir, { recursive: true, force: true });
  }
}

/** The system-metrics part of the bench. */
export async function systemMetricsBench(): Promise<Row[]> {
  const slow = await measure(10, 60);
  const fast = await measure(1, 20);
  const perSample = ((fast.sampling - fast.idle) / 100 / (RUNS / 1)) * 1000; // CPU ms per run-sample at 1 s
  return [
    { figure: `system metrics: agent CPU sampling ${RUNS} runs every 10 s (60 s window, ${slow.samples} samples/run)`, value: `${fmt(slow.sampling, 2)} % of a core`, target: '< 1 % of a core', reference: `agent idle, nothing sampled: ${fmt(slow.idle, 2)} %` },
    { figure: `system metrics: agent CPU sampling ${RUNS} runs every 1 s (20 s window, ${fast.samples} samples/run)`, value: `${fmt(fast.sampling, 2)} % of a core`, target: '(10× the default rate)', reference: `agent idle: ${fmt(fast.idle, 2)} %` },
    { figure: 'system metrics: agent CPU per sample of one run (at 1 s, idle subtracted)', value: `${fmt(Math.max(0, perSample), 2)} ms`, target: '—', reference: `load average ${fmt(loadavg()[0]!, 1)}` },
  ];
}
