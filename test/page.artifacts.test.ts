/**
 * The run page's Artifacts tab (`#/runs/<id>?tab=artifacts&artifact=<path>`) in Chromium
 * against a real agent, with files uploaded through the artifact REST API: the tree with
 * folders and sizes, keyboard navigation, the URL following the opened file, a preview per
 * kind (image, text, JSON, CSV with quoted fields, HTML sandboxed with its script not run, a
 * notebook's cells and outputs), no preview for binary files, and a file logged while the page
 * is open appearing without reload.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { putArtifact, runArtifactUrl } from './support/artifactHttp.js';
import { launchBrowser, openPage, type TestPage } from './support/browser.js';
import { newRun } from './support/mlflowHttp.js';
import { startAgent, type StartedAgent } from './support/startAgent.js';

let browser: Browser;
let agent: StartedAgent;
let run: { experimentId: string; runId: string };

/** A `width`×`height` RGB PNG, every pixel teal. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([0, 128, 128]))]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}

const CSV = 'name,comment,score\n"Smith, John","said ""hi""\nthen left",3\nAnn,plain,4\n';
const HTML = '<!doctype html><html><head><title>r</title></head><body><h1 id="t">Quarterly report</h1>'
  + '<img src="x" onerror="parent.document.title=\'pwned-handler\'">'
  + '<script>parent.document.title = "pwned"; document.body.dataset.ran = "yes";</script></body></html>';
const NOTEBOOK = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
  cells: [
    { cell_type: 'markdown', metadata: {}, source: ['# Analysis\n', '\n', 'Loss *fell* with `lr=0.1`. <b>not bold</b>\n'] },
    {
      cell_type: 'code',
      execution_count: 3,
      metadata: {},
      source: ["print('hello')\n", 'plot()'],
      outputs: [
        { output_type: 'stream', name: 'stdout', text: ['hello\n'] },
        { output_type: 'display_data', metadata: {}, data: { 'image/png': png(5, 2).toString('base64'), 'text/plain': ['<Figure>'] } },
        { output_type: 'execute_result', execution_count: 3, metadata: {}, data: { 'text/plain': ['42'] } },
      ],
    },
    {
      cell_type: 'code',
      execution_count: 4,
      metadata: {},
      source: '1/0',
      outputs: [{ output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['\u001b[0;31mZeroDivisionError\u001b[0m: division by zero'] }],
    },
  ],
};

/** Files of the run, by path. */
const FILES: Record<string, Buffer | string> = {
  'plots/curve.png': png(4, 3),
  'plots/diagram.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><rect width="30" height="20" fill="orange"/></svg>',
  'logs/train.log': 'epoch 1 loss 0.9\nepoch 2 loss 0.5\n',
  'metrics/summary.json': JSON.stringify({ accuracy: 0.93, classes: ['cat', 'dog'], nested: { deep: { deeper: 1 } } }),
  'data/table.csv': CSV,
  'report.html': HTML,
  'nb/analysis.ipynb': JSON.stringify(NOTEBOOK),
  'nested/a/b/deep.txt': 'found me',
  'weights.bin': Buffer.from([0, 1, 2, 3, 255, 0, 7]),
  MLmodel: 'flavors:\n  python_function: {}\n',
  'logs/big.log': 'x'.repeat(1_500_000),
};

async function upload(path: string, body: Buffer | string): Promise<void> {
  const res = await putArtifact(runArtifactUrl(agent.url, run.experimentId, run.runId, path), body);
  assert.equal(res.status, 200, JSON.stringify(res.json));
}

before(async () => {
  [browser, agent] = await Promise.all([launchBrowser(), startAgent()]);
  run = await newRun(agent.url, 'artifacts');
  for (const [path, body] of Object.entries(FILES)) await upload(path, body);
});
after(async () => {
  await browser?.close();
  await agent?.close();
});

/** Resolves once the agent holds a live subscription to `runId` (the page is then following it). */
async function runWatched(runId: string): Promise<void> {
  // the hub's subscriber set is private: this test looks inside to wait for a condition, not a time
  const hub = agent.agent.live.hub as unknown as { subscribers: Set<{ scope: { kind: string; run_id?: string } }> };
  const deadline = Date.now() + 10_000;
  while (![...hub.subscribers].some((s) => s.scope.kind === 'run' && s.scope.run_id === runId)) {
    if (Date.now() > deadline) throw new Error(`no live subscription to run ${runId}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function artifactsUrl(path?: string): string {
  return `${agent.url}/#/runs/${run.runId}?tab=artifacts${path ? `&artifact=${encodeURIComponent(path)}` : ''}`;
}

/** Opens the Artifacts tab (at `path`) and waits for the tree's first rows. */
async function openArtifacts(path?: string): Promise<TestPage> {
  const p = await openPage(browser, artifactsUrl(path));
  await p.page.waitForSelector('.ll-artifact-tree .ll-tree-row');
  return p;
}

/** The tree's rows as `name size` with folders marked `/`, indented by level. */
function treeRows(p: TestPage): Promise<string[]> {
  return p.page.$$eval('.ll-tree-row', (rows) =>
    rows.map((r: any) => {
      const dir = r.classList.contains('ll-tree-dir');
      const size = r.querySelector('.ll-tree-size').textContent;
      return `${'  '.repeat(Number(r.getAttribute('aria-level')) - 1)}${r.querySelector('.ll-tree-name').textContent}${dir ? '/' : ` ${size}`}`;
    }),
  );
}

function artifactInUrl(p: TestPage): string | null {
  return new URLSearchParams(new URL(p.page.url()).hash.split('?')[1] ?? '').get('artifact');
}

async function clickRow(p: TestPage, path: string): Promise<void> {
  await p.page.click(`.ll-tree-row[data-path="${path}"]`);
}

test('the tree lists folders first, then files with their sizes; folders open when clicked', async () => {
  const p = await openArtifacts();
  try {
    const size = (path: string): string => `${Buffer.byteLength(FILES[path]!)} B`;
    assert.deepEqual(await treeRows(p), ['data/', 'logs/', 'metrics/', 'nb/', 'nested/', 'plots/', `MLmodel ${size('MLmodel')}`, `report.html ${size('report.html')}`, 'weights.bin 7 B']);
    assert.match(await p.page.locator('.ll-artifact-preview').innerText(), /Choose a file/);
    await clickRow(p, 'plots');
    await p.page.waitForSelector('.ll-tree-row[data-path="plots/curve.png"]');
    const rows = await treeRows(p);
    assert.deepEqual(rows.slice(rows.indexOf('plots/'), rows.indexOf('plots/') + 3), ['plots/', `  curve.png ${size('plots/curve.png')}`, `  diagram.svg ${size('plots/diagram.svg')}`]);
    assert.equal(await p.page.getAttribute('.ll-tree-row[data-path="plots"]', 'aria-expanded'), 'true');
    await p.screenshot('artifacts-tree');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('an image shows from a blob URL at its size; an SVG shows as an <img>, never inline', async () => {
  const p = await openArtifacts('plots/curve.png');
  try {
    await p.page.waitForFunction(() => document.querySelector('.ll-preview-image img')?.naturalWidth > 0);
    const img = await p.page.$eval('.ll-preview-image img', (i: any) => ({ src: i.src, w: i.naturalWidth, h: i.naturalHeight, alt: i.alt }));
    assert.match(img.src, /^blob:/);
    assert.deepEqual([img.w, img.h, img.alt], [4, 3, 'curve.png']);
    assert.equal(await p.page.locator('.ll-preview-image .ll-preview-note').textContent(), '4 × 3');
    assert.equal(await p.page.getAttribute('.ll-tree-row[data-path="plots/curve.png"]', 'aria-selected'), 'true');
    await p.screenshot('artifacts-image');

    await clickRow(p, 'plots/diagram.svg');
    await p.page.waitForFunction(() => document.querySelector('.ll-preview-image img')?.alt === 'diagram.svg' && document.querySelector('.ll-preview-image img').naturalWidth === 30);
    assert.equal(await p.page.locator('.ll-artifact-preview svg').count(), 0);
    assert.equal(artifactInUrl(p), 'plots/diagram.svg');
    // the first image's object URL was revoked when the preview changed
    const revoked = await p.page.evaluate((src: string) => fetch(src).then(() => false, () => true), img.src);
    assert.equal(revoked, true);
    // the failed load of that revoked URL is this test's own doing
    assert.deepEqual(p.errors.filter((e) => !e.includes(img.src)), []);
  } finally {
    await p.close();
  }
});

test('text shows in monospace; JSON pretty-printed and foldable; CSV as a table with quoted fields', async () => {
  const p = await openArtifacts('logs/train.log');
  try {
    await p.page.waitForSelector('.ll-preview-text pre');
    assert.equal(await p.page.locator('.ll-preview-text pre').textContent(), FILES['logs/train.log']);
    assert.match(await p.page.$eval('.ll-preview-text pre', (e) => getComputedStyle(e).fontFamily), /mono/i);
    assert.equal(await p.page.locator('.ll-truncated').count(), 0);

    await clickRow(p, 'logs/big.log');
    await p.page.waitForSelector('.ll-truncated');
    assert.equal(await p.page.locator('.ll-truncated').textContent(), 'Showing the first 1.0 MB of 1.4 MB; download the file for all of it.');
    assert.equal((await p.page.locator('.ll-preview-text pre').textContent())?.length, 1 << 20);

    await clickRow(p, 'metrics');
    await clickRow(p, 'metrics/summary.json');
    await p.page.waitForSelector('.ll-preview-json');
    const json = await p.page.locator('.ll-preview-json').innerText();
    assert.match(json, /"accuracy": 0\.93/);
    assert.match(json, /"cat"/);
    // two levels open at first; the third folds
    const deep = p.page.locator('.ll-json-node', { hasText: '"deep":' }).last();
    assert.equal(await deep.evaluate((d: any) => d.open), false);
    await deep.locator('summary').click();
    await p.page.waitForFunction(() => document.querySelector('.ll-preview-json')?.innerText.includes('"deeper": 1'));
    await p.screenshot('artifacts-json');

    await clickRow(p, 'data');
    await clickRow(p, 'data/table.csv');
    await p.page.waitForSelector('.ll-csv-table');
    const table = await p.page.$$eval('.ll-csv-table tr', (trs) => trs.map((tr: any) => [...tr.children].map((c: any) => c.textContent)));
    assert.deepEqual(table, [
      ['name', 'comment', 'score'],
      ['Smith, John', 'said "hi"\nthen left', '3'],
      ['Ann', 'plain', '4'],
    ]);
    assert.match(await p.page.locator('.ll-preview-csv').innerText(), /2 rows × 3 columns/);
    assert.equal(artifactInUrl(p), 'data/table.csv');
    await p.screenshot('artifacts-csv');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('HTML shows in a sandboxed frame: no scripts, no same-origin; its script does not run', async () => {
  const p = await openArtifacts('report.html');
  try {
    const frame = await p.page.waitForSelector('iframe.ll-sandboxed-frame');
    assert.equal(await frame.getAttribute('sandbox'), '');
    const inner = await frame.contentFrame();
    assert.ok(inner);
    await inner.waitForSelector('#t');
    assert.equal(await inner.locator('#t').textContent(), 'Quarterly report');
    assert.equal(await inner.evaluate(() => document.body.dataset.ran ?? null), null);
    assert.equal(await inner.evaluate(() => location.origin), 'null', 'an opaque origin');
    assert.notEqual(await p.page.title(), 'pwned');
    assert.notEqual(await p.page.title(), 'pwned-handler');
    await p.screenshot('artifacts-html');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a notebook renders read-only: markdown as text, code with count, source and outputs', async () => {
  const p = await openArtifacts('nb/analysis.ipynb');
  try {
    await p.page.waitForSelector('.ll-preview-notebook .ll-nb-cell');
    assert.equal(await p.page.locator('.ll-nb-markdown h1').textContent(), 'Analysis');
    const para = p.page.locator('.ll-nb-markdown p');
    assert.equal(await para.textContent(), 'Loss fell with lr=0.1. <b>not bold</b>');
    assert.equal(await para.locator('em').textContent(), 'fell');
    assert.equal(await para.locator('b').count(), 0, 'raw HTML stays text');

    const code = p.page.locator('.ll-nb-code').first();
    assert.equal(await code.locator('.ll-nb-prompt').textContent(), '[3]:');
    assert.equal(await code.locator('.ll-nb-source').textContent(), "print('hello')\nplot()");
    assert.equal(await code.locator('.ll-nb-stream').textContent(), 'hello\n');
    await p.page.waitForFunction(() => document.querySelector('.ll-nb-image')?.naturalWidth === 5);
    assert.match((await code.locator('.ll-nb-image').getAttribute('src')) ?? '', /^data:image\/png;base64,/);
    assert.equal(await code.locator('.ll-nb-text').textContent(), '42');

    const error = p.page.locator('.ll-nb-code').nth(1).locator('.ll-nb-error');
    assert.equal(await error.textContent(), 'ZeroDivisionError: division by zero', 'ANSI codes stripped');
    await p.screenshot('artifacts-notebook');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a binary file gets no preview, a Download button that saves it', async () => {
  const p = await openArtifacts('weights.bin');
  try {
    await p.page.waitForSelector('.ll-no-preview');
    assert.match(await p.page.locator('.ll-no-preview').innerText(), /no preview/i);
    const [download] = await Promise.all([p.page.waitForEvent('download'), p.page.click('.ll-no-preview .ll-download-button')]);
    assert.equal(download.suggestedFilename(), 'weights.bin');
    assert.match(download.url(), /^blob:/, 'no agent URL (nor token) in the download');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('keyboard: arrows move and unfold, Enter opens; a deep link opens nested folders', async () => {
  const p = await openArtifacts();
  try {
    await p.page.focus('.ll-tree-row[data-path="data"]');
    await p.page.keyboard.press('ArrowDown'); // logs
    await p.page.keyboard.press('ArrowDown'); // metrics
    await p.page.keyboard.press('ArrowDown'); // nb
    await p.page.keyboard.press('ArrowDown'); // nested
    await p.page.keyboard.press('ArrowRight'); // unfold nested
    await p.page.waitForSelector('.ll-tree-row[data-path="nested/a"]');
    await p.page.keyboard.press('ArrowRight'); // to nested/a
    await p.page.keyboard.press('Enter'); // unfold a
    await p.page.waitForSelector('.ll-tree-row[data-path="nested/a/b"]');
    await p.page.keyboard.press('ArrowDown'); // nested/a/b
    await p.page.keyboard.press('Enter');
    await p.page.waitForSelector('.ll-tree-row[data-path="nested/a/b/deep.txt"]');
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('Enter');
    await p.page.waitForFunction(() => document.querySelector('.ll-preview-text pre')?.textContent === 'found me');
    assert.equal(await p.page.evaluate(() => document.activeElement?.dataset.path), 'nested/a/b/deep.txt');
    assert.equal(artifactInUrl(p), 'nested/a/b/deep.txt');
    await p.page.keyboard.press('ArrowLeft'); // to its folder
    assert.equal(await p.page.evaluate(() => document.activeElement?.dataset.path), 'nested/a/b');
    await p.page.keyboard.press('ArrowLeft'); // fold it
    assert.equal(await p.page.locator('.ll-tree-row[data-path="nested/a/b/deep.txt"]').count(), 0);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }

  const deep = await openArtifacts('nested/a/b/deep.txt');
  try {
    await deep.page.waitForFunction(() => document.querySelector('.ll-preview-text pre')?.textContent === 'found me');
    assert.equal(await deep.page.getAttribute('.ll-tree-row[data-path="nested/a/b/deep.txt"]', 'aria-selected'), 'true');
    assert.equal(await deep.page.locator('.ll-preview-path').textContent(), 'nested/a/b/deep.txt');
    assert.deepEqual(deep.errors, []);
  } finally {
    await deep.close();
  }
});

test('a missing artifact says so', async () => {
  const p = await openArtifacts('nope/missing.txt');
  try {
    await p.page.waitForSelector('.ll-artifact-preview .ll-empty');
    assert.match(await p.page.locator('.ll-artifact-preview').innerText(), /no artifact at “nope\/missing\.txt”/);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('files logged while the page is open appear live, also in an open folder; the previewed file refreshes', async () => {
  const live = await newRun(agent.url, 'artifacts-live');
  const put = async (path: string, body: string): Promise<void> => {
    const res = await putArtifact(runArtifactUrl(agent.url, live.experimentId, live.runId, path), body);
    assert.equal(res.status, 200);
  };
  const p = await openPage(browser, `${agent.url}/#/runs/${live.runId}?tab=artifacts`);
  try {
    await p.page.waitForSelector('.ll-artifact-preview .ll-empty');
    assert.match(await p.page.locator('.ll-artifact-preview').innerText(), /No artifacts yet/);
    await p.screenshot('artifacts-empty');
    await runWatched(live.runId);
    await put('out/first.txt', 'one');
    await p.page.waitForSelector('.ll-tree-row[data-path="out"]');
    await clickRow(p, 'out');
    await p.page.waitForSelector('.ll-tree-row[data-path="out/first.txt"]');
    await clickRow(p, 'out/first.txt');
    await p.page.waitForFunction(() => document.querySelector('.ll-preview-text pre')?.textContent === 'one');
    await put('out/second.txt', 'two');
    await p.page.waitForSelector('.ll-tree-row[data-path="out/second.txt"]');
    await put('out/first.txt', 'one, rewritten');
    await p.page.waitForFunction(() => document.querySelector('.ll-preview-text pre')?.textContent === 'one, rewritten');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
