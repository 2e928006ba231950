/**
 * Client figures against an agent process: ingest through the TypeScript client (logMetric
 * in a training loop, batches over the live channel, every one durable and acknowledged
 * before the final flush resolves), the same through the client's REST mode, and what one
 * `logMetric` call costs the training loop.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ServerMessage } from '@lablog/schema';
import { Lablog } from '@lablog/client';
import { newRun } from '../test/support/mlflowHttp.js';
import { fmt, type Row } from './table.js';

/**
 * The agent's own limit for the traffic the client makes (one run, one socket, 16 batches of
 * 1000 points in flight, each with its batch marker), with prebuilt messages: what the client
 * could reach if it cost nothing.
 */
async function agentLimit(url: string, batches: number): Promise<number> {
  const { runId } = await newRun(url, `client-bench-limit-${Date.now()}`);
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const metrics = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), timestamp: 1_700_000_000_000 + i, step: i })));
  const message = (n: number) => `{"type":"log","id":"b${n}","run_id":"${runId}","batch":{"client":"bench","seq":${n}},"metrics":${metrics}}`;
  const prebuilt = Array.from({ length: batches }, (_, n) => message(n));
  let sent = 0;
  let acked = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as ServerMessage;
      if (m.type !== 'ack' && m.type !== 'error') return;
      acked++;
      if (sent < batches) ws.send(prebuilt[sent++]!);
      else if (acked === batches) resolve();
    });
    while (sent < 16) ws.send(prebuilt[sent++]!);
  });
  const rate = (batches * 1000) / ((performance.now() - t0) / 1000);
  ws.close();
  return rate;
}

/** Logs `points` points through a client, yielding every 10 000 like a training loop awaiting its GPU; points/s until durable. */
async function ingest(url: string, transport: 'auto' | 'rest', points: number): Promise<{ rate: number; durable: boolean }> {
  const spool = await mkdtemp(join(tmpdir(), 'lablog-bench-spool-'));
  const lablog = new Lablog({ url, transport, spoolDir: spool, onError: null });
  try {
    const run = await lablog.startRun({ experiment: `client-bench-${transport}-${Date.now()}` });
    const t0 = performance.now();
    for (let step = 0; step < points; step++) {
      run.logMetric('loss', 1 / (step + 1), { step });
      if (step % 10_000 === 9_999) await new Promise((r) => setImmediate(r));
    }
    const report = await run.endRun('FINISHED', { timeoutMs: 120_000 });
    return { rate: points / ((performance.now() - t0) / 1000), durable: report.durable && report.errors.length === 0 };
  } finally {
    await lablog.close();
    await rm(spool, { recursive: true, force: true });
  }
}

/** Nanoseconds per `logMetric` call (amortised: cutting and encoding each 1000-point batch included). */
async function logMetricCost(url: string, calls: number): Promise<{ withOpts: number; bare: number }> {
  const spool = await mkdtemp(join(tmpdir(), 'lablog-bench-spool-'));
  const lablog = new Lablog({ url, spoolDir: spool, onError: null });
  try {
    const run = await lablog.startRun({ experiment: `client-bench-cost-${Date.now()}` });
    const measure = (fn: (i: number) => void): number => {
      let best = Infinity;
      for (let round = 0; round < 5; round++) {
        const t0 = performance.now();
        for (let i = 0; i < calls; i++) fn(i);
        best = Math.min(best, ((performance.now() - t0) * 1e6) / calls);
      }
      return best;
    };
    // warm up the JIT, then time rounds of `calls` calls with nothing yielding in between
    for (let i = 0; i < 200_000; i++) run.logMetric('warmup', i, { step: i });
    const withOpts = measure((i) => run.logMetric('loss', i * 0.5, { step: i }));
    const bare = measure((i) => run.logMetric('acc', i * 0.5));
    await run.endRun('FINISHED', { timeoutMs: 120_000 });
    return { withOpts, bare };
  } finally {
    await lablog.close();
    await rm(spool, { recursive: true, force: true });
  }
}

/** Measures the client against the agent at `url`. */
export async function clientBench(url: string): Promise<Row[]> {
  await agentLimit(url, 300); // warms the agent up
  const limit = await agentLimit(url, 2000);
  const ws = await ingest(url, 'auto', 3_000_000);
  const rest = await ingest(url, 'rest', 500_000);
  const cost = await logMetricCost(url, 200_000);
  return [
    {
      figure: 'client ingest over WS (1 run, logMetric loop), durable+acked',
      value: `${fmt(ws.rate)} pts/s${ws.durable ? '' : ' (NOT all durable)'}`,
      target: '>= 600,000 pts/s',
      reference: `agent alone, same traffic prebuilt: ${fmt(limit)} pts/s`,
    },
    {
      figure: 'client ingest over REST log-batch (transport: rest), durable',
      value: `${fmt(rest.rate)} pts/s${rest.durable ? '' : ' (NOT all durable)'}`,
      target: '(as MLflow servers see it)',
      reference: 'one request at a time, 1000 pts each',
    },
    {
      figure: 'logMetric cost to the caller (amortised, incl. batch encoding)',
      value: `${fmt(cost.withOpts / 1000, 3)} µs with {step}, ${fmt(cost.bare / 1000, 3)} µs bare`,
      target: '< 2 µs',
      reference: 'MLflow Python log_metric: one HTTP request each (~1 ms)',
    },
  ];
}
