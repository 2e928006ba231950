/**
 * The real MLflow Python client's own throughput against the agent, as a fraction of the same
 * client against a server that answers at once and stores nothing (so the client's own cost is
 * the limit), measured in interleaved rounds. Also the agent's added time per log_metric call
 * beside one fdatasync of this disk: each call is acknowledged only once it is on disk. A third
 * server in the same rounds, a bare `node:http` one that commits each call's points the way the
 * agent does (one write to a metric log opened with O_DSYNC, on its event loop) before it
 * answers, shows what durability alone costs this client on this machine (waiting on the disk
 * also costs the client a wake-up that an instant answer does not).
 * A fourth stores nothing but answers each log_metric call only after busy-waiting one
 * fdatasync's time: what any server whose answer takes that long costs this client here. On
 * this VM an idle vCPU halts at once (cpuidle haltpoll, guest_halt_poll_ns=0), so a client that
 * waits ~0.2 ms for an answer is woken from a halt, which an instant answer mostly avoids.
 * Last, the CPU time each server spends per call (kernel's count, outside the rounds): a figure
 * this VM's wake-ups do not move, which tells the agent's own work from the disk's.
 * Needs the MLflow 3 venv of python/e2e (LABLOG_MLFLOW3_VENV, as .ci/run makes it).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cpuSeconds } from './processCpu.js';
import { fmt, type Row } from './table.js';

const ROUNDS = 5;
const METRIC_CALLS = 1000;
const BATCHES = 100;

type WireMetric = { key: string; value: number | string; timestamp: number; step: number };

/** One JSONL line a point, as a metric log holds it. */
const pointLines = (metrics: readonly WireMetric[]) => metrics.map((m) => `{"key":${JSON.stringify(m.key)},"value":${JSON.stringify(m.value)},"timestamp":${m.timestamp},"step":${m.step}}\n`).join('');

/**
 * A tracking server that keeps nothing and answers every call at once; with `log` (a file
 * descriptor opened with O_APPEND | O_DSYNC), only once the call's points are written there, in
 * one synchronous write (the agent's own commit of a small batch); with `delayMs`, log_metric
 * calls only after busy-waiting that long.
 */
async function bareServer({ log, delayMs }: { log?: number; delayMs?: number } = {}): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    if (log !== undefined) req.setEncoding('utf8').on('data', (c: string) => (body += c));
    else req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.includes('/runs/create')) {
        const now = Date.now();
        const info = { run_id: randomUUID().replaceAll('-', ''), run_uuid: '', experiment_id: '0', status: 'RUNNING', start_time: now, artifact_uri: 'mlflow-artifacts:/0', lifecycle_stage: 'active', user_id: 'bench', run_name: 'bench' };
        res.end(JSON.stringify({ run: { info, data: {} } }));
        return;
      }
      if (log !== undefined && (req.url?.includes('/runs/log-metric') || req.url?.includes('/runs/log-batch'))) {
        const b = JSON.parse(body) as WireMetric & { metrics?: WireMetric[] };
        writeSync(log, pointLines(b.metrics ?? [b]));
      }
      if (delayMs && req.url?.includes('/runs/log-metric')) {
        const t0 = performance.now();
        while (performance.now() - t0 < delayMs);
      }
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

async function timeClient(python: string, url: string, metricCalls = METRIC_CALLS, batches = BATCHES): Promise<{ metric_s: number; batch_s: number }> {
  const script = join(import.meta.dirname, '..', '..', '..', 'python', 'bench', 'client_throughput.py');
  const { stdout } = await promisify(execFile)(python, [script, url, String(metricCalls), String(batches)], { env: { ...process.env, GIT_PYTHON_REFRESH: 'quiet' }, timeout: 600_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { metric_s: number; batch_s: number };
}

/** Median time of one small write + fdatasync on the disk under `dir`. */
async function fdatasyncMs(dir: string): Promise<number> {
  const fh = await open(join(dir, 'sync-probe'), 'a');
  const times: number[] = [];
  try {
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await fh.write('{"key":"probe","value":1,"timestamp":1,"step":1}\n');
      await fh.datasync();
      times.push(performance.now() - t0);
    }
  } finally {
    await fh.close();
  }
  return times.sort((a, b) => a - b)[100]!;
}

/**
 * Microseconds of CPU a server spends per call, counted by `cpu` (its process's CPU seconds so
 * far): over a client run of log_metric calls only, then one of log_batch calls only.
 */
async function cpuPerCall(python: string, url: string, cpu: () => number | Promise<number>): Promise<{ metricUs: number; batchUs: number }> {
  let c0 = await cpu();
  await timeClient(python, url, METRIC_CALLS, 0);
  const metricUs = (((await cpu()) - c0) / METRIC_CALLS) * 1e6;
  c0 = await cpu();
  await timeClient(python, url, 0, BATCHES);
  const batchUs = (((await cpu()) - c0) / BATCHES) * 1e6;
  return { metricUs, batchUs };
}

/** CPU seconds of this process so far: the bare servers run in it (spawning the client is counted too). */
const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Measures against the agent process `agentPid` at `agentUrl`, whose store is on the disk of `tmpdir()`. */
export async function pythonClientBench(agentUrl: string, agentPid: number): Promise<Row[]> {
  const venv = process.env.LABLOG_MLFLOW3_VENV;
  if (!venv) return [{ figure: 'real MLflow client throughput', value: 'not measured: LABLOG_MLFLOW3_VENV is not set (.ci/run makes it)', target: '-' }];
  const python = join(venv, 'bin', 'python');
  const instant = await bareServer();
  const dir = await mkdtemp(join(tmpdir(), 'lablog-sync-'));
  const bareLog = openSync(join(dir, 'bare-metrics.jsonl'), constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_DSYNC);
  const durable = await bareServer({ log: bareLog });
  const sync = await fdatasyncMs(dir);
  const delayed = await bareServer({ delayMs: sync });
  try {
    const metricRatio: number[] = [];
    const batchRatio: number[] = [];
    const addedMs: number[] = [];
    const bareAddedMs: number[] = [];
    const bareBatchRatio: number[] = [];
    const delayedAddedMs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const a = await timeClient(python, agentUrl);
      const i = await timeClient(python, instant.url);
      const d = await timeClient(python, durable.url);
      const w = await timeClient(python, delayed.url);
      metricRatio.push(i.metric_s / a.metric_s);
      batchRatio.push(i.batch_s / a.batch_s);
      addedMs.push(((a.metric_s - i.metric_s) / METRIC_CALLS) * 1000);
      bareAddedMs.push(((d.metric_s - i.metric_s) / METRIC_CALLS) * 1000);
      bareBatchRatio.push(i.batch_s / d.batch_s);
      delayedAddedMs.push(((w.metric_s - i.metric_s) / METRIC_CALLS) * 1000);
    }
    const agentCpu = await cpuPerCall(python, agentUrl, () => cpuSeconds(agentPid));
    const bareCpu = await cpuPerCall(python, durable.url, ownCpu);
    const instantCpu = await cpuPerCall(python, instant.url, ownCpu);
    const us = (n: number) => `${fmt(n)} µs`;
    return [
      { figure: `MLflow 3 client log_batch (${BATCHES} x 1000 metrics), agent / instant server (median of ${ROUNDS} interleaved)`, value: fmt(median(batchRatio), 2), target: '>= 0.9', reference: `bare durable server: ${fmt(median(bareBatchRatio), 2)}` },
      { figure: `MLflow 3 client log_metric (${fmt(METRIC_CALLS)} calls), agent / instant server`, value: fmt(median(metricRatio), 2), target: '-' },
      { figure: 'agent time added per log_metric call (durable before the reply)', value: `${fmt(median(addedMs), 3)} ms`, target: `<= fdatasync + 0.1 ms`, reference: `one fdatasync of this disk: ${fmt(sync, 3)} ms; a bare node:http server committing each call as the agent does adds ${fmt(median(bareAddedMs), 3)} ms` },
      { figure: 'time added per log_metric call by a server that answers after one fdatasync\'s time, busy, storing nothing', value: `${fmt(median(delayedAddedMs), 3)} ms`, target: '-', reference: `this machine's least for a durable answer: the wait, and the client's wake-up after it` },
      { figure: 'agent CPU per log_metric call (user + system, all threads)', value: us(agentCpu.metricUs), target: '-', reference: `bare durable server: ${us(bareCpu.metricUs)}; instant server: ${us(instantCpu.metricUs)} (both in the bench's process: spawning the client counts too)` },
      { figure: 'agent CPU per log_batch call of 1000 metrics', value: us(agentCpu.batchUs), target: '-', reference: `bare durable server: ${us(bareCpu.batchUs)}; instant server: ${us(instantCpu.batchUs)} (as above)` },
    ];
  } finally {
    instant.server.close();
    durable.server.close();
    delayed.server.close();
    closeSync(bareLog);
    await rm(dir, { recursive: true, force: true });
  }
}
