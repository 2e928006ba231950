/**
 * What the extension gathers of a cell's kernel messages (extension/lib, as JupyterLab loads it):
 * images of display_data and execute_result (a PNG preferred over its SVG twin), stdout and stderr
 * in order, a traceback without terminal colours; what the settings turn off is not gathered; a
 * runaway cell's text is cut with a note and its images capped.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { LogCellOutputs } from '@lablog/schema';

interface Capture {
  add(msg: unknown): void;
  readonly isEmpty: boolean;
  report(cell: { cellId: string | undefined; executionCount: number | null; started: number; ended: number }): LogCellOutputs;
}
interface CaptureModule {
  CellOutputCapture: new (choice: { figures: boolean; logs: boolean }) => Capture;
  MAX_IMAGES: number;
  MAX_IMAGE_DATA: number;
  MAX_TEXT: number;
}

const mod = (await import(pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'extension', 'lib', 'jupyterlab', 'CellOutputCapture.js')).href)) as CaptureModule;

const msg = (msg_type: string, content: Record<string, unknown>) => ({ header: { msg_type }, channel: 'iopub', content });
const png = (data: string) => msg('display_data', { data: { 'image/png': `${data}\n`, 'text/plain': '<Figure>' }, metadata: {} });
const cell = { cellId: 'c1', executionCount: 7, started: 1000, ended: 2000 };

test('images, console text and tracebacks, in the order the cell showed them', () => {
  const c = new mod.CellOutputCapture({ figures: true, logs: true });
  c.add(msg('stream', { name: 'stdout', text: 'epoch 1\n' }));
  c.add(msg('stream', { name: 'stdout', text: 'epoch 2\n' }));
  c.add(png('iVBORw0KGgo='));
  c.add(msg('execute_result', { data: { 'image/svg+xml': ['<svg>', '</svg>'], 'text/plain': 'x' }, metadata: {}, execution_count: 7 }));
  c.add(msg('display_data', { data: { 'text/html': '<b>table</b>' }, metadata: {} }));
  c.add(msg('stream', { name: 'stderr', text: 'warn\n' }));
  c.add(msg('error', { ename: 'ValueError', evalue: 'bad', traceback: ['\u001b[0;31mValueError\u001b[0m: bad', 'line 2'] }));
  c.add(msg('status', { execution_state: 'idle' }));
  assert.deepEqual(c.report(cell), {
    cell_id: 'c1',
    execution_count: 7,
    started: 1000,
    ended: 2000,
    images: [
      { mime: 'image/png', data: 'iVBORw0KGgo=' },
      { mime: 'image/svg+xml', data: '<svg></svg>' },
    ],
    text: [
      { stream: 'stdout', text: 'epoch 1\nepoch 2\n' },
      { stream: 'stderr', text: 'warn\n' },
      { stream: 'error', text: 'ValueError: bad\nline 2' },
    ],
  });
});

test('with figures off no image is gathered; with logs off no text', () => {
  const noFigures = new mod.CellOutputCapture({ figures: false, logs: true });
  noFigures.add(png('AAAA'));
  assert.equal(noFigures.isEmpty, true);
  noFigures.add(msg('stream', { name: 'stdout', text: 'x\n' }));
  assert.deepEqual(noFigures.report(cell).images, []);
  const noLogs = new mod.CellOutputCapture({ figures: true, logs: false });
  noLogs.add(msg('stream', { name: 'stdout', text: 'x\n' }));
  noLogs.add(msg('error', { ename: 'E', evalue: '', traceback: ['E'] }));
  assert.equal(noLogs.isEmpty, true);
});

test('a cell that prints and plots without end keeps a bounded part, and says where it cut', () => {
  const c = new mod.CellOutputCapture({ figures: true, logs: true });
  for (let i = 0; i < mod.MAX_IMAGES + 10; i++) c.add(png(`AAA${i}`));
  const line = `${'x'.repeat(1023)}\n`;
  for (let i = 0; i < mod.MAX_TEXT / 1024 + 100; i++) c.add(msg('stream', { name: 'stdout', text: line }));
  const r = c.report(cell);
  assert.equal(r.images.length, mod.MAX_IMAGES);
  const text = r.text.map((t) => t.text).join('');
  assert.ok(text.length < mod.MAX_TEXT + 200);
  assert.match(text, /\[lablog: the rest of this cell's output was not kept/);
  // a few huge images: as many as fit the report's limit
  const big = new mod.CellOutputCapture({ figures: true, logs: false });
  const huge = 'A'.repeat(20 * 1024 * 1024);
  for (let i = 0; i < 4; i++) big.add(png(huge));
  assert.equal(big.report(cell).images.length, Math.floor(mod.MAX_IMAGE_DATA / huge.length));
});
