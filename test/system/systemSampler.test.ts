/**
 * System metrics of notebook-linked runs, over the real /proc and a real agent: a run created
 * under a session whose kernel (here a busy child process with a child of its own) runs on this
 * host gets the host's and the kernel tree's metrics under MLflow's `system/` names while it is
 * active, and none once it ends or its kernel dies. GPUs come from the nvidia-smi replay.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent } from 'lablog';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fullHistory, post } from '../support/mlflowHttp.js';
import { PYTHON_SESSION, registerSession, sendJson } from '../support/notebookHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

const INTERVAL = 150;
const CPU = 'system/cpu_utilization_percentage';
const FAKE_SMI = fileURLToPath(new URL('../../fixtures/nvidia-smi/nvidia-smi', import.meta.url));

let a: StartedAgent;
const kernels: ChildProcess[] = [];
before(async () => {
  a = await startAgent({ systemMetrics: { intervalMs: INTERVAL, gpuCommand: FAKE_SMI } });
});
after(async () => {
  // each stand-in kernel leads a process group of its own: its child goes with it
  for (const k of kernels) killGroup(k);
  await a.close();
});

/** A stand-in kernel: a process that keeps a core a little busy and has a child process. */
function fakeKernel(): ChildProcess {
  const code = "require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); setInterval(() => { const t = Date.now(); while (Date.now() - t < 20); }, 40);";
  const k = spawn(process.execPath, ['-e', code], { stdio: 'ignore', detached: true });
  kernels.push(k);
  return k;
}

function killGroup(k: ChildProcess): void {
  try {
    process.kill(-k.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function notebookRun(session: string, pid: number | undefined): Promise<string> {
  await registerSession(a.url, session, { ...PYTHON_SESSION, python: { ...PYTHON_SESSION.python!, hostname: hostname(), ...(pid ? { pid } : {}) } });
  const r = await sendJson<{ run: { info: { run_id: string } } }>(a.url, 'POST', `/nb/${session}/api/2.0/mlflow/runs/create`, { experiment_id: '0', start_time: Date.now() });
  assert.equal(r.status, 200);
  return r.body.run.info.run_id;
}

async function metricKeys(runId: string): Promise<Record<string, number>> {
  const got = await fetch(`${a.url}/api/2.0/mlflow/runs/get?run_id=${runId}`).then((res) => res.json() as Promise<{ run: { data: { metrics?: Array<{ key: string; value: number }> } } }>);
  return Object.fromEntries((got.run.data.metrics ?? []).map((m) => [m.key, m.value]));
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

test("an active notebook run gets the host's, the kernel tree's and the GPUs' metrics under MLflow's names; none after it ends", async () => {
  const kernel = fakeKernel();
  const runId = await notebookRun('sys-run', kernel.pid);
  const metrics = await until('three samples', async () => {
    const m = await metricKeys(runId);
    return (await fullHistory(a.url, runId, 'system/cpu_utilization_percentage')).length >= 3 ? m : null;
  });
  for (const key of ['system/cpu_utilization_percentage', 'system/system_memory_usage_megabytes', 'system/system_memory_usage_percentage', 'system/disk_usage_percentage', 'system/disk_usage_megabytes', 'system/disk_available_megabytes', 'system/network_receive_megabytes', 'system/network_transmit_megabytes']) {
    assert.ok(key in metrics, `${key} is logged`);
  }
  assert.ok(metrics['system/kernel_cpu_utilization_percentage']! > 5, `the kernel's busy loop shows (${metrics['system/kernel_cpu_utilization_percentage']} %)`);
  assert.ok(metrics['system/kernel_memory_rss_megabytes']! > 10, 'the kernel tree holds memory');
  assert.equal(metrics['system/kernel_processes'], 2, 'the kernel and its child');
  assert.ok(metrics['system/kernel_threads']! >= 2);
  assert.equal(metrics['system/gpu_0_utilization_percentage'], 87);
  const steps = (await fullHistory(a.url, runId, 'system/cpu_utilization_percentage')).map((p) => p.step);
  assert.deepEqual(steps.slice(0, 3), [0, 1, 2], 'steps count samples from 0, as MLflow');

  assert.equal((await post(a.url, 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() })).status, 200);
  await sleep(INTERVAL * 2); // a sample under way when the run ended may still land
  const after = (await fullHistory(a.url, runId, 'system/cpu_utilization_percentage')).length;
  await sleep(INTERVAL * 5);
  assert.equal((await fullHistory(a.url, runId, 'system/cpu_utilization_percentage')).length, after, 'no sample after the run ended');
  assert.ok(!a.agent.sampler.sampledRuns.includes(runId));
});

test('a run whose kernel dies stops being sampled, and stays as it was', async () => {
  const kernel = fakeKernel();
  const runId = await notebookRun('sys-dies', kernel.pid);
  await until('a sample', async () => (await fullHistory(a.url, runId, 'system/kernel_cpu_utilization_percentage')).length > 0);
  killGroup(kernel);
  await until('sampling to stop', async () => !a.agent.sampler.sampledRuns.includes(runId));
  const n = (await fullHistory(a.url, runId, 'system/cpu_utilization_percentage')).length;
  await sleep(INTERVAL * 4);
  assert.equal((await fullHistory(a.url, runId, 'system/cpu_utilization_percentage')).length, n);
  const run = await fetch(`${a.url}/api/2.0/mlflow/runs/get?run_id=${runId}`).then((r) => r.json() as Promise<{ run: { info: { status: string } } }>);
  assert.equal(run.run.info.status, 'RUNNING', 'the run is left for its owner to end');
});

test('a session without a kernel pid gets the host metrics only; a run outside any notebook gets none', async () => {
  const runId = await notebookRun('sys-nopid', undefined);
  const m = await until('a sample', async () => {
    const keys = await metricKeys(runId);
    return 'system/cpu_utilization_percentage' in keys ? keys : null;
  });
  assert.equal(m['system/kernel_cpu_utilization_percentage'], undefined);
  const plain = await post<{ run: { info: { run_id: string } } }>(a.url, 'runs/create', { experiment_id: '0', start_time: Date.now() });
  await sleep(INTERVAL * 4);
  assert.deepEqual(await metricKeys(plain.body.run.info.run_id), {});
  await post(a.url, 'runs/update', { run_id: runId, status: 'KILLED', end_time: Date.now() });
});

test('after an agent restart, active runs whose kernel still runs are sampled again from their next step; one whose kernel died is not', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lablog-sys-restart-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const opts = { store: dir, systemMetrics: { intervalMs: INTERVAL, gpuCommand: FAKE_SMI } };
  const first = await createAgent(opts);
  const url = await first.listen(0);
  const alive = fakeKernel();
  const dead = fakeKernel();
  const ids: string[] = [];
  for (const [session, k] of [['restart-alive', alive], ['restart-dead', dead]] as const) {
    await registerSession(url, session, { ...PYTHON_SESSION, python: { ...PYTHON_SESSION.python!, hostname: hostname(), pid: k.pid! } });
    const r = await sendJson<{ run: { info: { run_id: string } } }>(url, 'POST', `/nb/${session}/api/2.0/mlflow/runs/create`, { experiment_id: '0', start_time: Date.now() });
    ids.push(r.body.run.info.run_id);
  }
  await until('samples of both', async () => (await fullHistory(url, ids[0]!, CPU)).length >= 2 && (await fullHistory(url, ids[1]!, CPU)).length >= 1);
  await first.close();
  killGroup(dead);
  await sleep(100);

  const second = await createAgent(opts);
  t.after(() => second.close());
  const url2 = await second.listen(0);
  const before = await fullHistory(url2, ids[0]!, CPU);
  await until('sampling again', async () => (await fullHistory(url2, ids[0]!, CPU)).length > before.length + 1);
  const steps = (await fullHistory(url2, ids[0]!, CPU)).map((p) => p.step);
  assert.deepEqual(steps, steps.map((_, i) => i), 'steps go on where they stopped, none twice');
  assert.deepEqual(second.sampler.sampledRuns, [ids[0]], 'the run of the dead kernel is left alone');
  const deadPoints = (await fullHistory(url2, ids[1]!, CPU)).length;
  await sleep(INTERVAL * 3);
  assert.equal((await fullHistory(url2, ids[1]!, CPU)).length, deadPoints);
});

test("a notebook run that logs its own system metrics (mlflow.enable_system_metrics_logging) is left to them", async () => {
  const kernel = fakeKernel();
  const runId = await notebookRun('sys-own', kernel.pid);
  await until('a sample', async () => a.agent.sampler.sampledRuns.includes(runId) && (await fullHistory(a.url, runId, CPU)).length > 0);
  // what MLflow's monitor sends: its own steps, its own timestamps
  const own = await post(a.url, 'runs/log-batch', { run_id: runId, metrics: [{ key: CPU, value: 12.5, step: 0, timestamp: Date.now() - 7 }] });
  assert.equal(own.status, 200);
  await until('sampling to stop', async () => !a.agent.sampler.sampledRuns.includes(runId));
  const n = (await fullHistory(a.url, runId, CPU)).length;
  await sleep(INTERVAL * 4);
  assert.equal((await fullHistory(a.url, runId, CPU)).length, n);
});
