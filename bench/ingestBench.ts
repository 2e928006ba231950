/**
 * Ingest figures: concurrent log-batch of 1000 points (8 connections, prebuilt bodies,
 * autocannon) and sequential log-metric (one point a request, one connection). Every
 * request is acknowledged only after its group commit (fsync).
 */
import autocannon from 'autocannon';
import { fmt, type Row } from './table.js';
import { newRun } from '../test/support/mlflowHttp.js';

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** Measures ingest against the agent at `url`. */
export async function ingestBench(url: string): Promise<Row[]> {
  const { runId } = await newRun(url, `bench-ingest-${Date.now()}`);
  const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => newRun(url, `bench-ingest-${Date.now()}-${i}`)));
  const bodies = runs.map(({ runId: id }, c) =>
    JSON.stringify({
      run_id: id,
      metrics: Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 10}`, value: Math.sin(i + c), timestamp: 1_700_000_000_000 + i, step: i })),
    }),
  );
  let next = 0;
  const batch = await run({
    url: `${url}/api/2.0/mlflow/runs/log-batch`,
    connections: 8,
    duration: 6,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length]! }) }],
  });
  const pointsPerSec = (batch.requests.total - batch.non2xx) * 1000 / (batch.duration);

  const single = await run({
    url: `${url}/api/2.0/mlflow/runs/log-metric`,
    connections: 1,
    duration: 5,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ run_id: runId, key: 'loss', value: 0.5, timestamp: 1_700_000_000_000, step: 1 }),
  });
  return [
    {
      figure: 'REST log-batch ingest, 8 conns x 1000 pts, durable',
      value: `${fmt(pointsPerSec)} pts/s (p99 ${fmt(batch.latency.p99, 1)} ms, ${batch.non2xx} non-2xx)`,
      target: '>= 500,000 pts/s',
      reference: 'MLflow server ~27,000; bare parse+append+fsync ~650,000',
    },
    {
      figure: 'REST log-metric, 1 point/request, 1 conn, sequential',
      value: `${fmt(single.requests.average)} req/s (mean ${fmt(single.latency.mean, 2)} ms, ${single.non2xx} non-2xx)`,
      target: '>= 2,000 req/s',
      reference: 'one fsync ~0.26 ms here',
    },
  ];
}
