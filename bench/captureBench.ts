/**
 * What capturing a cell's figure and console output costs. The kernel never waits for it (the
 * extension gathers the outputs from messages the page receives anyway and sends them once the cell
 * is idle), so the cost a cell can feel is the page's: gathering the outputs and serialising the
 * report, measured here with the extension's own module (extension/lib) on a matplotlib-sized PNG.
 * Beside it, the agent's time to store the report (a request the cell does not wait on), and the
 * same page cost measured in a real JupyterLab (jupyterlabCaptureBench) when its venv is there.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LogCellOutputs } from '@lablog/schema';
import { postOutputs, registerSession, sendJson } from '../test/support/notebookHttp.js';
import { jupyterlabCaptureBench } from './jupyterlabCaptureBench.js';
import { fmt, type Row } from './table.js';

interface Capture {
  add(msg: unknown): void;
  report(cell: { cellId: string | undefined; executionCount: number | null; started: number; ended: number }): LogCellOutputs;
}

const CELLS = 300;
/** A 640×480 matplotlib line plot is a PNG of ~25–40 KB. */
const PNG_BYTES = 40_000;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

/** The capture part of the bench, against the agent at `url`. */
export async function captureBench(url: string): Promise<Row[]> {
  const lib = join(import.meta.dirname, '..', '..', '..', 'extension', 'lib', 'jupyterlab', 'CellOutputCapture.js');
  const { CellOutputCapture } = (await import(pathToFileURL(lib).href)) as { CellOutputCapture: new (c: { figures: boolean; logs: boolean }) => Capture };
  const png = randomBytes(PNG_BYTES).toString('base64');
  const msg = (msg_type: string, content: Record<string, unknown>) => ({ header: { msg_type }, channel: 'iopub', content });
  const page: number[] = [];
  const reports: LogCellOutputs[] = [];
  // (the first cells compile the code: a page has done that long before a user's run)
  for (let i = -20; i < CELLS; i++) {
    const t0 = performance.now();
    const c = new CellOutputCapture({ figures: true, logs: true });
    c.add(msg('stream', { name: 'stdout', text: `epoch ${i} loss ${1 / (i + 1)}\n` }));
    c.add(msg('display_data', { data: { 'image/png': png, 'text/plain': '<Figure size 640x480 with 1 Axes>' }, metadata: {} }));
    c.add(msg('stream', { name: 'stderr', text: 'UserWarning: something\n' }));
    const report = c.report({ cellId: `c${i}`, executionCount: i + 1, started: Date.now(), ended: Date.now() + 1 });
    JSON.stringify(report); // what the client does before sending
    if (i < 0) continue;
    page.push(performance.now() - t0);
    if (reports.length < 100) reports.push(report);
  }

  await registerSession(url, 'bench-capture');
  await sendJson(url, 'POST', '/nb/bench-capture/api/2.0/mlflow/runs/create', { experiment_id: '0', start_time: Date.now() - 1000 });
  const store: number[] = [];
  for (const r of reports) {
    const t0 = performance.now();
    await postOutputs(url, 'bench-capture', { ...r, started: Date.now(), ended: Date.now() + 1 });
    store.push(performance.now() - t0);
  }
  return [
    ...(await jupyterlabCaptureBench()),
    { figure: `capture: page time per cell, a ${fmt(PNG_BYTES / 1000)} KB figure + 2 prints (p50 / p99 / max of ${CELLS})`, value: `${fmt(percentile(page, 50), 2)} / ${fmt(percentile(page, 99), 2)} / ${fmt(Math.max(...page), 2)} ms`, target: '< 20 ms added to the cell', reference: `load average ${fmt(loadavg()[0]!, 1)} (outliers are the machine's)` },
    { figure: 'capture: agent stores a cell report (figure + log append; the cell does not wait) p50 / p99', value: `${fmt(percentile(store, 50), 1)} / ${fmt(percentile(store, 99), 1)} ms`, target: '—' },
  ];
}
