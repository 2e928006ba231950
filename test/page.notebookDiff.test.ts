/**
 * The notebook diff in the compare view: two runs' notebook snapshots, cell by cell — a changed
 * cell with its line diff, an added and a removed cell, unchanged cells folded — and a clear
 * note, with no failed request, for runs that have no snapshot.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { putArtifact, runArtifactUrl } from './support/artifactHttp.js';
import { launchBrowser, openPage } from './support/browser.js';
import { newRun, post } from './support/mlflowHttp.js';
import { startAgent, type StartedAgent } from './support/startAgent.js';

let browser: Browser;
let agent: StartedAgent;

function notebook(cells: Array<[id: string, source: string]>): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map(([id, source]) => ({ id, cell_type: 'code', source, metadata: {}, execution_count: null, outputs: [] })),
  });
}

before(async () => {
  [browser, agent] = await Promise.all([launchBrowser(), startAgent()]);
});
after(async () => {
  await browser?.close();
  await agent?.close();
});

test('two runs with snapshots: changed, added and removed cells; unchanged ones folded', async () => {
  const a = await newRun(agent.url, 'nbdiff', 'before');
  const b = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: a.experimentId, run_name: 'after' });
  const bId = b.body.run.info.run_id;
  const shared: Array<[string, string]> = [
    ['c1', 'import numpy as np'],
    ['c2', 'x = np.arange(10)'],
  ];
  await putArtifact(runArtifactUrl(agent.url, a.experimentId, a.runId, 'notebook/end.ipynb'), notebook([...shared, ['c3', 'lr = 0.1\nepochs = 5'], ['c4', 'print("old")']]), 'application/x-ipynb+json');
  await putArtifact(runArtifactUrl(agent.url, a.experimentId, bId, 'notebook/end.ipynb'), notebook([...shared, ['c3', 'lr = 0.01\nepochs = 5'], ['c5', 'plot(x)']]), 'application/x-ipynb+json');
  const p = await openPage(browser, `${agent.url}/#/compare?runs=${a.runId},${bId}`);
  try {
    await p.page.waitForSelector('.ll-compare-notebooks .ll-nbdiff-cell');
    const kinds = await p.page.$$eval('.ll-compare-notebooks .ll-nbdiff-cell', (els) => els.map((e) => (e as unknown as { dataset: { kind: string } }).dataset.kind));
    assert.deepEqual(kinds, ['changed', 'removed', 'added']);
    const changed = await p.page.$$eval('.ll-nbdiff-changed .ll-nbdiff-line', (els) => els.map((e) => e.textContent!.trimEnd()));
    assert.deepEqual(changed, ['- lr = 0.1', '+ lr = 0.01', '  epochs = 5']);
    assert.match((await p.page.textContent('.ll-compare-notebooks .ll-nbdiff-folded')) ?? '', /2 unchanged cells/);
    await p.screenshot('compare-notebook-diff');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('runs without a snapshot: a note, and no failed request', async () => {
  const a = await newRun(agent.url, 'nbdiff-none', 'one');
  const b = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: a.experimentId, run_name: 'two' });
  const p = await openPage(browser, `${agent.url}/#/compare?runs=${a.runId},${b.body.run.info.run_id}`);
  try {
    await p.page.waitForSelector('.ll-compare-notebooks .ll-empty');
    assert.match((await p.page.textContent('.ll-compare-notebooks .ll-empty')) ?? '', /No notebook snapshot for one and two/);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
