/**
 * Live-channel figures against an agent process: WS ingest (durable, acked), log → viewer
 * latency at a steady 10 000 points/s, and what 100 idle viewers cost the agent in memory.
 */
import WebSocket from 'ws';
import type { ServerMessage } from '@lablog/schema';
import { newRun } from '../test/support/mlflowHttp.js';
import { rssMb } from '../test/support/processMemory.js';
import { fmt, type Row } from './table.js';

function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** 8 sockets, each keeping 4 batches of 1000 points in flight, for `seconds`. */
async function wsIngest(url: string, seconds: number): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: 8 }, () => open(url)));
  const runs = await Promise.all(sockets.map((_, i) => newRun(url, `ws-ingest-${Date.now()}-${i}`)));
  let acked = 0;
  const deadline = Date.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    sockets.map(
      (ws, c) =>
        new Promise<void>((resolve) => {
          let inFlight = 0;
          // prebuilt bodies, as the REST figure uses: this measures the agent, not JSON.stringify here
          const body = JSON.stringify({
            type: 'log',
            id: `c${c}`,
            run_id: runs[c]!.runId,
            metrics: Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 10}`, value: Math.sin(i), timestamp: 1_700_000_000_000 + i, step: i })),
          });
          const sendOne = () => {
            inFlight++;
            ws.send(body);
          };
          ws.on('message', (data) => {
            const m = JSON.parse(data.toString()) as ServerMessage;
            if (m.type !== 'ack' && m.type !== 'error') return;
            inFlight--;
            if (m.type === 'ack') acked += 1000;
            if (Date.now() < deadline) sendOne();
            else if (inFlight === 0) resolve();
          });
          for (let i = 0; i < 4; i++) sendOne();
        }),
    ),
  );
  const s = (performance.now() - t0) / 1000;
  for (const ws of sockets) ws.close();
  return acked / s;
}

/** Latency from `log` sent to the event arriving at a viewer, at 10 000 points/s for `seconds`. */
async function viewerLatency(url: string, seconds: number): Promise<number[]> {
  const { runId } = await newRun(url, `latency-${Date.now()}`);
  const viewer = await open(url);
  const logger = await open(url);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  viewer.on('message', (data) => {
    const m = JSON.parse(data.toString()) as ServerMessage;
    if (m.type === 'event' && m.event.kind === 'metrics') {
      const t = sentAt.get(String(m.event.metrics[0]!.step));
      if (t !== undefined) latencies.push(performance.now() - t);
    }
  });
  viewer.send(JSON.stringify({ type: 'subscribe', id: 'v', scope: { kind: 'run', run_id: runId } }));
  await new Promise((r) => setTimeout(r, 100));
  // 100 points every 10 ms = 10 000 points/s
  const ticks = seconds * 100;
  for (let i = 0; i < ticks; i++) {
    sentAt.set(String(i), performance.now());
    logger.send(JSON.stringify({ type: 'log', id: String(i), run_id: runId, metrics: Array.from({ length: 100 }, (_, j) => ({ key: `m${j % 5}`, value: j, timestamp: Date.now(), step: i })) }));
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 200));
  viewer.close();
  logger.close();
  return latencies.sort((a, b) => a - b);
}

/** Measures the live channel of the agent process `pid` at `url`. */
export async function liveBench(url: string, pid: number): Promise<Row[]> {
  const ingest = await wsIngest(url, 6);
  const lat = await viewerLatency(url, 5);
  const before = await rssMb(pid);
  const idle = await Promise.all(Array.from({ length: 100 }, () => open(url)));
  for (const ws of idle) ws.send(JSON.stringify({ type: 'subscribe', id: 'all', scope: { kind: 'all' } }));
  await new Promise((r) => setTimeout(r, 1000));
  const after = await rssMb(pid);
  for (const ws of idle) ws.close();
  return [
    { figure: 'WS ingest, 8 sockets x 4 in flight x 1000 pts, durable+acked', value: `${fmt(ingest)} pts/s`, target: '>= 600,000 pts/s' },
    { figure: 'log -> viewer latency at 10,000 pts/s (p50 / p99)', value: `${fmt(percentile(lat, 0.5), 2)} / ${fmt(percentile(lat, 0.99), 2)} ms (${lat.length} batches)`, target: 'p99 < 20 ms' },
    { figure: '100 idle viewers subscribed to everything: agent RSS growth', value: `${fmt(after - before, 1)} MB (${fmt(before)} -> ${fmt(after)} MB)`, target: '< 30 MB' },
  ];
}
