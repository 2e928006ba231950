/**
 * Experiment changes in a store that already holds 100,000 experiments: what one change costs
 * must not grow with the store (issue 11). The store is seeded as the earlier version wrote it
 * (`meta/experiments.json`), so the agent's start includes moving it into the log.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startAgentProcess } from '../test/support/agentProcess.js';
import { post } from '../test/support/mlflowHttp.js';
import { fmt, since, type Row } from './table.js';

const EXPERIMENTS = 100_000;

// Measured with the same requests on the agent before the change (commit d540a4e, one JSON
// document rewritten whole on every change: 23.7 MB at 100k experiments), on this machine while
// it was also running the test suite; the new agent measured beside it then gave 230 /s, 24.7 ms
// and 16.8 ms.
const BEFORE = { createsPerS: 1.8, createMs: 1051, tagMs: 554 };

async function seed(dir: string): Promise<void> {
  await mkdir(join(dir, 'meta'), { recursive: true });
  const experiments = Array.from({ length: EXPERIMENTS + 1 }, (_, i) => ({
    experiment_id: String(i),
    name: i === 0 ? 'Default' : `seeded-${i}`,
    artifact_location: `mlflow-artifacts:/${i}`,
    lifecycle_stage: 'active',
    creation_time: 1_700_000_000_000 + i,
    last_update_time: 1_700_000_000_000 + i,
    tags: { team: `t${i % 50}`, 'mlflow.note.content': 'seeded by the bench' },
  }));
  await writeFile(join(dir, 'meta', 'experiments.json'), JSON.stringify({ next_id: EXPERIMENTS + 1, experiments }));
}

async function medianMs(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(since(t0));
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}

/** Measures experiment create and update at 100k experiments, in the store folder `dir`. */
export async function experimentBench(dir: string): Promise<Row[]> {
  await seed(dir);
  const s0 = performance.now();
  const agent = await startAgentProcess(['serve', '--port', '0', '--store', dir]);
  const startMs = since(s0);
  try {
    const createMs = await medianMs(30, (i) => post(agent.url, 'experiments/create', { name: `one-${i}` }));
    const tagMs = await medianMs(30, (i) => post(agent.url, 'experiments/set-experiment-tag', { experiment_id: String(1 + i), key: 'k', value: String(i) }));
    let created = 0;
    const until = performance.now() + 3000;
    const t0 = performance.now();
    const worker = async (w: number): Promise<void> => {
      while (performance.now() < until) {
        const r = await post(agent.url, 'experiments/create', { name: `many-${w}-${created}` });
        if (r.status !== 200) throw new Error(`experiments/create: ${JSON.stringify(r.body)}`);
        created++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    const rate = created / (since(t0) / 1000);
    return [
      { figure: 'experiments/create at 100k experiments, 8 clients', value: `${fmt(rate)} /s`, target: 'flat in store size', reference: `before: ${fmt(BEFORE.createsPerS, 1)} /s (${fmt(rate / BEFORE.createsPerS)}x)` },
      { figure: 'experiments/create at 100k experiments, one at a time (median)', value: `${fmt(createMs, 2)} ms`, target: '-', reference: `before: ${fmt(BEFORE.createMs)} ms` },
      { figure: 'set-experiment-tag at 100k experiments (median)', value: `${fmt(tagMs, 2)} ms`, target: '-', reference: `before: ${fmt(BEFORE.tagMs)} ms` },
      { figure: 'agent start on 100k experiments (first start moves experiments.json into the log)', value: `${fmt(startMs)} ms`, target: '< 1 s' },
    ];
  } finally {
    agent.child.kill('SIGTERM');
    await agent.exited;
  }
}
