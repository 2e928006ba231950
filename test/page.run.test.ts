/**
 * The run page (`#/runs/<id>`) in Chromium against a real agent: the header (name, status,
 * experiment link, start, duration, user, source, parent link) and the Overview tab (info,
 * metrics, params, user tags apart from MLflow's system tags, dataset inputs, registered model
 * versions from the run with links to the registry, logged models), kept current while the run
 * logs and ends; keyboard use of its tables; an unknown run's message. No console errors.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, type TestPage } from './support/browser.js';
import { post } from './support/mlflowHttp.js';
import { createModel, createVersion, send } from './support/registryHttp.js';
import { startAgent, type StartedAgent } from './support/startAgent.js';

let browser: Browser;
let agent: StartedAgent;
let experimentId = '';
let parentId = '';
let runId = '';

async function ok(path: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await post(agent.url, path, body);
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}

async function createRun(name: string, tags: Array<{ key: string; value: string }> = []): Promise<string> {
  const r = (await ok('runs/create', { experiment_id: experimentId, run_name: name, user_id: 'ada', start_time: Date.now() - 65_000, tags })) as { run: { info: { run_id: string } } };
  return r.run.info.run_id;
}

before(async () => {
  [browser, agent] = await Promise.all([launchBrowser(), startAgent()]);
  experimentId = ((await ok('experiments/create', { name: 'vision' })) as { experiment_id: string }).experiment_id;
  parentId = await createRun('sweep');
  runId = await createRun('resnet-lr0.1', [
    { key: 'mlflow.parentRunId', value: parentId },
    { key: 'mlflow.source.name', value: 'notebooks/train.ipynb' },
    { key: 'mlflow.source.type', value: 'NOTEBOOK' },
    { key: 'mlflow.source.git.commit', value: '1a2b3c4d' },
    { key: 'team', value: 'perception' },
  ]);
  await ok('runs/log-batch', {
    run_id: runId,
    params: [
      { key: 'lr', value: '0.1' },
      { key: 'optimizer', value: 'adam' },
      { key: 'batch_size', value: '64' },
    ],
    metrics: [0.9, 0.5, 0.25].map((value, step) => ({ key: 'loss', value, step, timestamp: Date.now() })),
  });
  await ok('runs/log-inputs', {
    run_id: runId,
    datasets: [
      { tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset: { name: 'imagenet-mini', digest: 'd1g35t', source_type: 'http', source: '{"url": "https://example.org/in.tgz"}' } },
    ],
  });
  await ok('runs/log-model', { run_id: runId, model_json: JSON.stringify({ artifact_path: 'model', flavors: { pytorch: {}, python_function: {} }, run_id: runId, utc_time_created: '2026-01-02 03:04:05.000000' }) });
  await createModel(agent.url, 'resnet');
  await createVersion(agent.url, 'resnet', `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model`, { run_id: runId });
  await createVersion(agent.url, 'resnet', `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model`, { run_id: runId });
  assert.equal((await send(agent.url, 'POST', 'registered-models/alias', { name: 'resnet', alias: 'champion', version: '2' })).status, 200);
});
after(async () => {
  await browser?.close();
  await agent?.close();
});

async function openRun(id: string): Promise<TestPage> {
  const p = await openPage(browser, `${agent.url}/#/runs/${id}`);
  await p.page.waitForSelector('.ll-run-overview [data-section="model-versions"]:not([data-state="loading"])');
  return p;
}

/** The text of each cell of a section's (first) table, row by row. */
/** The text of a section's table, without the cells of row actions (Edit, Remove). */
function rows(p: TestPage, section: string): Promise<string[][]> {
  return p.page.$eval(`.ll-run-overview [data-section="${section}"]`, (s: any) =>
    [...s.querySelector('table').tBodies[0].rows].map((tr: any) => [...tr.cells].filter((td: any) => !td.querySelector('.ll-row-actions')).map((td: any) => td.textContent)),
  );
}

function field(p: TestPage, name: string): Promise<string | null> {
  return p.page.locator(`.ll-run-meta [data-field="${name}"] dd`).textContent();
}

test('the header: name, status, experiment link, start, duration, user, source and parent link', async () => {
  const p = await openRun(runId);
  try {
    assert.equal(await p.page.locator('.ll-run-title h1').textContent(), 'resnet-lr0.1');
    assert.equal(await p.page.locator('.ll-run-title [data-field="status"]').textContent(), 'RUNNING');
    await p.page.waitForSelector(`.ll-run-meta [data-field="experiment"] a[href="#/experiments/${experimentId}"]:text("vision")`);
    assert.match((await field(p, 'started')) ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.match((await field(p, 'duration')) ?? '', /^1m 0[5-9]s$/);
    assert.equal(await field(p, 'user'), 'ada');
    assert.equal(await field(p, 'source'), 'notebooks/train.ipynb (NOTEBOOK)');
    await p.page.waitForSelector(`.ll-run-meta [data-field="parent"] a[href="#/runs/${parentId}"]:text("sweep")`);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the overview: info, metrics, params, tags with system tags apart, inputs, model versions and logged models', async () => {
  const p = await openRun(runId);
  try {
    const info = Object.fromEntries((await rows(p, 'info')).map(([k, v]) => [k, v]));
    assert.equal(info['Run ID'], runId);
    assert.equal(info.Name, 'resnet-lr0.1');
    assert.equal(info.Status, 'RUNNING');
    assert.equal(info.User, 'ada');
    assert.equal(info['Git commit'], '1a2b3c4d');
    assert.equal(info.Artifacts, `mlflow-artifacts:/${experimentId}/${runId}/artifacts`);
    assert.deepEqual(await rows(p, 'metrics'), [['loss', '0.25', '2', (await rows(p, 'metrics'))[0]![3]!]]);
    assert.deepEqual(await rows(p, 'params'), [
      ['batch_size', '64'],
      ['lr', '0.1'],
      ['optimizer', 'adam'],
    ]);
    assert.deepEqual(await rows(p, 'tags'), [['team', 'perception']]);
    const system = await p.page.$$eval('.ll-system-tags tbody tr', (trs) => trs.map((tr: any) => tr.cells[0].textContent));
    assert.ok(system.includes('mlflow.source.name') && system.includes('mlflow.runName') && system.every((k: string) => k.startsWith('mlflow.')), system.join());
    assert.deepEqual(await rows(p, 'inputs'), [['imagenet-mini', 'd1g35t', 'http', 'train', '{"url": "https://example.org/in.tgz"}']]);
    const versions = await rows(p, 'model-versions');
    assert.deepEqual(versions.map((r) => [r[0], r[1], r[2], r[3], r[4]]), [
      ['resnet', 'v1', 'None', '', 'READY'],
      ['resnet', 'v2', 'None', '@champion', 'READY'],
    ]);
    assert.equal(await p.page.getAttribute('[data-section="model-versions"] tr[data-key="resnet/2"] a', 'href'), '#/models/resnet?version=2');
    assert.deepEqual(await rows(p, 'logged-models'), [['model', 'pytorch, python_function', '2026-01-02 03:04:05.000000']]);
    assert.equal(await p.page.getAttribute('[data-section="logged-models"] a', 'href'), `#/runs/${runId}?tab=artifacts&artifact=model`);
    await p.page.evaluate(() => document.querySelector('.ll-system-tags')!.setAttribute('open', ''));
    await p.screenshot('run-overview');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('at 800 px nothing on the overview runs off the page sideways (model versions, the no-version hint, long values)', async () => {
  const lonely = await createRun('no-versions-here');
  for (const id of [runId, lonely]) {
    const p = await openPage(browser, `${agent.url}/#/runs/${id}`, { viewport: { width: 800, height: 900 } });
    try {
      await p.page.waitForSelector('.ll-run-overview [data-section="model-versions"]:not([data-state="loading"])');
      const overflow = await p.page.evaluate(() => {
        const wide = [...document.querySelectorAll('.ll-run-section')].filter((s: any) => s.scrollWidth > s.clientWidth + 1 || s.getBoundingClientRect().right > window.innerWidth);
        return { page: document.documentElement.scrollWidth, sections: wide.map((s: any) => `${s.dataset.section}: ${s.scrollWidth} > ${s.clientWidth}`) };
      });
      assert.ok(overflow.page <= 800, `the page is ${overflow.page} px wide`);
      assert.deepEqual(overflow.sections, []);
      if (id === runId) await p.screenshot('run-overview-800px');
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  }
});

test('the page follows the run live: new params, tags and inputs appear, and the status changes when it ends', async () => {
  const live = await createRun('live-one');
  const p = await openRun(live);
  try {
    assert.equal(await p.page.locator('.ll-run-overview [data-section="params"] p').textContent(), 'No parameters logged.');
    await ok('runs/log-batch', { run_id: live, params: [{ key: 'epochs', value: '10' }], tags: [{ key: 'stage', value: 'warmup' }] });
    await p.page.waitForSelector('[data-section="params"] tr[data-key="epochs"]');
    await p.page.waitForSelector('[data-section="tags"] tr[data-key="stage"]');
    await ok('runs/log-inputs', { run_id: live, datasets: [{ dataset: { name: 'cifar10', digest: 'c1', source_type: 'local', source: '/data' } }] });
    await p.page.waitForSelector('[data-section="inputs"] tr[data-key="cifar10@c1"]');
    await ok('runs/update', { run_id: live, status: 'FINISHED', end_time: Date.now() });
    await p.page.waitForSelector('.ll-run-title [data-field="status"]:text("FINISHED")');
    await p.page.waitForSelector('[data-section="info"] tr[data-key="end_time"]');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the tables are keyboard-navigable: arrows move between rows, Enter follows the row link', async () => {
  const p = await openRun(runId);
  try {
    await p.page.focus('[data-section="params"] tbody tr:first-child');
    await p.page.keyboard.press('ArrowDown');
    assert.equal(await p.page.evaluate(() => document.activeElement?.dataset.key), 'lr');
    await p.page.keyboard.press('End');
    assert.equal(await p.page.evaluate(() => document.activeElement?.dataset.key), 'optimizer');
    await p.page.focus('[data-section="model-versions"] tbody tr:first-child');
    await p.page.keyboard.press('Enter');
    await p.page.waitForFunction(() => location.hash === '#/models/resnet?version=1');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a run that does not exist says so', async () => {
  const p = await openPage(browser, `${agent.url}/#/runs/${'0'.repeat(32)}`, { expectedErrors: ['404'] });
  try {
    await p.page.waitForSelector('.ll-run-header .ll-error');
    assert.match((await p.page.locator('.ll-run-header .ll-error').textContent()) ?? '', /not found/);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
