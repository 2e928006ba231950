/**
 * Store-scale figures on a real store of 10 000 runs and 10M points: search, metric history,
 * the cost of a write compared with an empty store, and agent start time and memory.
 */
import { startAgentProcess, type AgentProcess } from '../test/support/agentProcess.js';
import { fullHistory, newRun, post } from '../test/support/mlflowHttp.js';
import { rssMb } from '../test/support/processMemory.js';
import { fmt, since, type Row } from './table.js';

const RUNS = 10_000;
const POINTS_PER_RUN = 1_000;

/** Mean latency (ms) of `n` sequential log-parameter writes, each a new key, into a fresh run. */
async function paramWriteMs(url: string, n: number): Promise<number> {
  const { runId } = await newRun(url, `param-bench-${Date.now()}-${Math.random()}`);
  for (let i = 0; i < 50; i++) await post(url, 'runs/log-parameter', { run_id: runId, key: `warm${i}`, value: 'v' });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await post(url, 'runs/log-parameter', { run_id: runId, key: `p${i}`, value: String(i) });
  return since(t0) / n;
}

async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(since(t0));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Fills a store with `RUNS` runs of `POINTS_PER_RUN` points each, 8 requests at a time. */
async function fill(url: string, experimentId: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < RUNS) {
      const i = next++;
      const run = await post<{ run: { info: { run_id: string } } }>(url, 'runs/create', { experiment_id: experimentId, run_name: `run-${i}`, start_time: 1_700_000_000_000 + i });
      const runId = run.body.run.info.run_id;
      const metrics = Array.from({ length: POINTS_PER_RUN }, (_, j) => ({ key: `m${j % 10}`, value: Math.abs(Math.sin(i * 7 + j)), timestamp: 1_700_000_000_000 + j, step: Math.floor(j / 10) }));
      const r = await post(url, 'runs/log-batch', { run_id: runId, metrics });
      const p = await post(url, 'runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: String((i % 100) / 1000) }], tags: [{ key: 'group', value: `g${i % 10}` }] });
      if (r.status !== 200 || p.status !== 200) throw new Error(`fill: ${JSON.stringify(r.body)} ${JSON.stringify(p.body)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Measures store-scale figures using a store folder `dir` (filled here). */
export async function storeBench(dir: string): Promise<Row[]> {
  let agent: AgentProcess = await startAgentProcess(['serve', '--port', '0', '--store', dir]);
  const emptyParamMs = await paramWriteMs(agent.url, 2000);

  // a 100k-point metric
  const hist = await newRun(agent.url, 'history');
  for (let b = 0; b < 100; b++) {
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: 1 / (b * 1000 + i + 1), timestamp: 1_700_000_000_000 + b * 1000 + i, step: b * 1000 + i }));
    await post(agent.url, 'runs/log-batch', { run_id: hist.runId, metrics });
  }
  const historyMs = await median(9, async () => {
    const all = await fullHistory(agent.url, hist.runId, 'loss');
    if (all.length !== 100_000) throw new Error(`history has ${all.length} points`);
  });

  const exp = await post<{ experiment_id: string }>(agent.url, 'experiments/create', { name: 'sweep' });
  const t0 = performance.now();
  await fill(agent.url, exp.body.experiment_id);
  const fillS = since(t0) / 1000;

  const search = (max: number) => () =>
    post(agent.url, 'runs/search', { experiment_ids: [exp.body.experiment_id], filter: 'metrics.m0 > 0.5 and params.lr != \'0.05\'', order_by: ['metrics.m1 DESC'], max_results: max });
  const found = await search(100)();
  if (found.status !== 200) throw new Error(`search: ${JSON.stringify(found.body)}`);
  const search100Ms = await median(15, search(100));
  const search1000Ms = await median(9, search(1000));
  const fullParamMs = await paramWriteMs(agent.url, 2000);

  agent.child.kill('SIGTERM');
  await agent.exited;
  const s0 = performance.now();
  agent = await startAgentProcess(['serve', '--port', '0', '--store', dir]);
  const startMs = since(s0);
  const startRss = await rssMb(agent.child.pid!);
  await search(100)();
  const afterSearchRss = await rssMb(agent.child.pid!);
  agent.child.kill('SIGTERM');
  await agent.exited;

  return [
    { figure: `fill: ${fmt(RUNS)} runs x ${fmt(POINTS_PER_RUN)} pts over REST (8 workers)`, value: `${fmt(fillS, 1)} s (${fmt((RUNS * POINTS_PER_RUN) / fillS)} pts/s incl. run creation)`, target: '-' },
    { figure: 'get-history, 100k-point metric, all 4 pages', value: `${fmt(historyMs, 1)} ms`, target: '< 200 ms' },
    { figure: 'search 10k runs, metric+param filter, order_by metric, 100 results', value: `${fmt(search100Ms, 1)} ms`, target: '< 50 ms' },
    { figure: 'same search, 1000 results (the client default)', value: `${fmt(search1000Ms, 1)} ms`, target: '-' },
    { figure: 'param write: 10k-run store / empty store', value: `${fmt(fullParamMs / emptyParamMs, 2)}x (${fmt(fullParamMs, 3)} vs ${fmt(emptyParamMs, 3)} ms)`, target: '<= 1.5x' },
    { figure: 'agent start on 10k runs / 10M points (spawn to listening)', value: `${fmt(startMs)} ms`, target: '< 1 s' },
    { figure: 'agent RSS after start / after first search', value: `${fmt(startRss)} / ${fmt(afterSearchRss)} MB`, target: '< 200 MB' },
  ];
}
