/**
 * `npm run bench`: runs every benchmark against real agent processes on loopback and prints
 * the figures with their targets. Nothing here asserts a time.
 * `npm run bench` starts this with `--initial-old-space-size=128`: this process is the client of
 * the artifact transfers, and with playwright, autocannon and the client loaded, V8 otherwise
 * sometimes ran hundreds of old-generation collections during a 200 MB transfer (README, Benchmarks).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgentProcess, type AgentProcess } from '../test/support/agentProcess.js';
import { clientBench } from './clientBench.js';
import { pythonClientBench } from './pythonClientBench.js';
import { pythonLogModelBench } from './pythonLogModelBench.js';
import { experimentBench } from './experimentBench.js';
import { artifactBench } from './artifactBench.js';
import { s3ArtifactBench } from './s3ArtifactBench.js';
import { browserChartBench } from './browserChartBench.js';
import { browserCompareBench } from './browserCompareBench.js';
import { browserTableBench } from './browserTableBench.js';
import { jupyterlabBench } from './jupyterlabBench.js';
import { ingestBench } from './ingestBench.js';
import { limitsBench } from './limitsBench.js';
import { liveBench } from './liveBench.js';
import { storeBench } from './storeBench.js';
import { storeEnginesBench } from './storeEnginesBench.js';
import { systemMetricsBench } from './systemMetricsBench.js';
import { captureBench } from './captureBench.js';
import { printTable, type Row } from './table.js';

async function withStore<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'lablog-bench-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` against an agent process on `dir`; the agent is stopped after. */
async function onAgent<T>(dir: string, fn: (agent: AgentProcess) => Promise<T>): Promise<T> {
  const agent = await startAgentProcess(['serve', '--port', '0', '--store', dir]);
  try {
    return await fn(agent);
  } finally {
    agent.child.kill('SIGTERM');
    await agent.exited;
  }
}

/** Runs `fn` against an agent process on a fresh store; the agent is stopped and the store removed after. */
function withAgentProcess<T>(fn: (agent: AgentProcess) => Promise<T>): Promise<T> {
  return withStore((dir) => onAgent(dir, fn));
}

/**
 * Like {@link withAgentProcess}, but on the folder named by `LABLOG_BENCH_STORE` when it is set:
 * that store is kept after the part, so a slow fill (100 000 runs over REST) is paid once and the
 * part's next run reuses it (the part looks its experiment up by name before filling).
 */
function withKeptAgentProcess<T>(fn: (agent: AgentProcess) => Promise<T>): Promise<T> {
  const kept = process.env['LABLOG_BENCH_STORE'];
  return kept ? onAgent(kept, fn) : withAgentProcess(fn);
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const rows: Row[] = [];
  if (!only || only === 'ingest') rows.push(...(await withAgentProcess((agent) => ingestBench(agent.url))));
  if (!only || only === 'live') rows.push(...(await withAgentProcess((agent) => liveBench(agent.url, agent.child.pid!))));
  if (!only || only === 'limits') rows.push(...(await withAgentProcess((agent) => limitsBench(agent.url, agent.child.pid!))));
  if (!only || only === 'client') rows.push(...(await withAgentProcess((agent) => clientBench(agent.url))));
  if (!only || only === 'python-client') rows.push(...(await withAgentProcess((agent) => pythonClientBench(agent.url, agent.child.pid!))));
  if (!only || only === 'python-log-model') rows.push(...(await withAgentProcess((agent) => pythonLogModelBench(agent.url))));
  if (!only || only === 'store') rows.push(...(await withStore(storeBench)));
  if (!only || only === 'store-engines') rows.push(...(await storeEnginesBench()));
  if (!only || only === 'experiments') rows.push(...(await withStore(experimentBench)));
  if (!only || only === 'artifacts') rows.push(...(await withAgentProcess((agent) => artifactBench(agent.url, agent.child.pid!))));
  if (!only || only === 'artifacts' || only === 'artifacts-s3') rows.push(...(await s3ArtifactBench()));
  if (!only || only === 'browser-table') rows.push(...(await withKeptAgentProcess((agent) => browserTableBench(agent.url))));
  // 100 000 runs take minutes to log: only when asked by name
  if (only === 'browser-table-100k') rows.push(...(await withKeptAgentProcess((agent) => browserTableBench(agent.url, 100_000))));
  if (!only || only === 'browser-charts') rows.push(...(await withAgentProcess((agent) => browserChartBench(agent.url))));
  if (!only || only === 'browser-compare') rows.push(...(await withAgentProcess((agent) => browserCompareBench(agent.url))));
  if (!only || only === 'jupyterlab') rows.push(...(await jupyterlabBench()));
  if (!only || only === 'system') rows.push(...(await systemMetricsBench()));
  if (!only || only === 'capture') rows.push(...(await withAgentProcess((agent) => captureBench(agent.url))));
  printTable(`lablog bench (${new Date().toISOString()}, node ${process.version})`, rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
