/**
 * The model registry pages (`#/models`, `#/models/<name>?version=<v>`) in Chromium against a
 * real agent, with models, versions, stages, aliases and tags made through the registry REST
 * API: the list with latest versions per stage and aliases, the filter (and a bad filter's
 * error inline), a model's versions linked to their runs, a version's details from the URL,
 * keyboard navigation, the empty state, and models registered while the page is open.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, type TestPage } from './support/browser.js';
import { newRun, post } from './support/mlflowHttp.js';
import { createModel, createVersion, send, transition } from './support/registryHttp.js';
import { startAgent, type StartedAgent } from './support/startAgent.js';

let browser: Browser;
let agent: StartedAgent;
const runs = { a: '', b: '' };

before(async () => {
  [browser, agent] = await Promise.all([launchBrowser(), startAgent()]);
  const first = await newRun(agent.url, 'training', 'trainer-a');
  runs.a = first.runId;
  const second = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: first.experimentId, run_name: 'trainer-b', start_time: Date.now() });
  runs.b = second.body.run.info.run_id;
  const source = (runId: string): string => `mlflow-artifacts:/${first.experimentId}/${runId}/artifacts/model`;

  await createModel(agent.url, 'fraud-classifier', { description: 'Flags risky payments.', tags: [{ key: 'team', value: 'risk' }] });
  await createVersion(agent.url, 'fraud-classifier', source(runs.a), { run_id: runs.a });
  await createVersion(agent.url, 'fraud-classifier', source(runs.a), { run_id: runs.a, description: 'Retrained on March data.', tags: [{ key: 'auc', value: '0.97' }] });
  await createVersion(agent.url, 'fraud-classifier', source(runs.b), { run_id: runs.b });
  for (const [version, stage] of [['1', 'Archived'], ['2', 'Production'], ['3', 'Staging']] as const) {
    assert.equal((await transition(agent.url, 'fraud-classifier', version, stage)).status, 200);
  }
  for (const [alias, version] of [['champion', '2'], ['challenger', '3']] as const) {
    assert.equal((await send(agent.url, 'POST', 'registered-models/alias', { name: 'fraud-classifier', alias, version })).status, 200);
  }
  await createModel(agent.url, 'churn-model');
  await createVersion(agent.url, 'churn-model', source(runs.b), { run_id: runs.b });
  await createModel(agent.url, 'empty-model', { description: 'Nothing registered yet.' });
});
after(async () => {
  await browser?.close();
  await agent?.close();
});

/** The list's rows as their cells' text. */
function listRows(p: TestPage): Promise<string[][]> {
  return p.page.$$eval('.ll-models-table tbody tr', (trs) => trs.map((tr: any) => [...tr.children].map((td: any) => td.innerText.trim().replace(/\s+/g, ' '))));
}

/** The versions table's rows as their cells' text. */
function versionRows(p: TestPage): Promise<string[][]> {
  return p.page.$$eval('.ll-versions-table tbody tr', (trs) => trs.map((tr: any) => [...tr.children].map((td: any) => td.innerText.trim().replace(/\s+/g, ' '))));
}

test('the list shows each model with its latest version per stage, aliases and description', async () => {
  const p = await openPage(browser, `${agent.url}/#/models`);
  try {
    await p.page.waitForSelector('.ll-models-table tbody tr');
    const rows = await listRows(p);
    assert.deepEqual(
      rows.map((r) => [r[0], r[1], r[2], r[4]]),
      [
        ['churn-model', 'v1 None', '', ''],
        ['empty-model', '', '', 'Nothing registered yet.'],
        ['fraud-classifier', 'v2 Production v3 Staging v1 Archived', '@champion → v2 @challenger → v3', 'Flags risky payments.'],
      ],
    );
    assert.match(rows[0]![3]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'last updated');
    assert.equal(await p.page.locator('.ll-models-count').textContent(), '3 models');
    assert.equal(await p.page.getAttribute('.ll-models-table a:text("fraud-classifier")', 'href'), '#/models/fraud-classifier');
    assert.equal(await p.page.getAttribute('.ll-models-table a.ll-alias:text("@champion → v2")', 'href'), '#/models/fraud-classifier?version=2');
    await p.screenshot('registry-list');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the filter takes the registry grammar; a bad one shows the agent’s error inline', async () => {
  // the browser itself reports the refused request (HTTP 400) in the console; nothing else may
  const p = await openPage(browser, `${agent.url}/#/models`);
  try {
    await p.page.waitForSelector('.ll-models-table tbody tr');
    await p.page.fill('.ll-models-filter', "name LIKE 'fraud%'");
    await p.page.press('.ll-models-filter', 'Enter');
    await p.page.waitForFunction(() => document.querySelectorAll('.ll-models-table tbody tr').length === 1);
    assert.equal((await listRows(p))[0]![0], 'fraud-classifier');

    await p.page.fill('.ll-models-filter', 'tags.team = risk');
    await p.page.press('.ll-models-filter', 'Enter');
    await p.page.waitForSelector('.ll-models-error .ll-error');
    const message = await p.page.locator('.ll-models-error .ll-error').textContent();
    assert.ok(message && message.length > 0);
    assert.doesNotMatch(message, /HTTP 400|registered-models/, 'the agent’s own words, not a transport error');
    assert.equal(await p.page.getAttribute('.ll-models-filter', 'aria-invalid'), 'true');
    await p.screenshot('registry-bad-filter');

    await p.page.fill('.ll-models-filter', "tags.team = 'risk'");
    await p.page.press('.ll-models-filter', 'Enter');
    await p.page.waitForFunction(() => !document.querySelector('.ll-models-error .ll-error') && document.querySelectorAll('.ll-models-table tbody tr').length === 1);
    assert.equal(await p.page.getAttribute('.ll-models-filter', 'aria-invalid'), null);

    await p.page.fill('.ll-models-filter', "name = 'nothing-like-this'");
    await p.page.press('.ll-models-filter', 'Enter');
    await p.page.waitForSelector('.ll-models-content .ll-empty');
    assert.match(await p.page.locator('.ll-models-content').innerText(), /No registered model matches/);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a model’s page lists its versions newest first, each linked to the run it came from', async () => {
  const p = await openPage(browser, `${agent.url}/#/models`);
  try {
    await p.page.waitForSelector('.ll-models-table tbody tr');
    await p.page.click('.ll-models-table tbody tr[data-key="fraud-classifier"] td.ll-model-description');
    await p.page.waitForSelector('.ll-versions-table tbody tr');
    assert.equal(new URL(p.page.url()).hash, '#/models/fraud-classifier');
    assert.equal(await p.page.locator('.ll-model-head h1').textContent(), 'fraud-classifier');
    assert.equal(await p.page.locator('.ll-model-description-full').textContent(), 'Flags risky payments.');
    assert.deepEqual(await p.page.$$eval('.ll-tags-table tbody td:not(.ll-row-actions)', (tds) => tds.map((td: any) => td.textContent)), ['team', 'risk']);
    const rows = await versionRows(p);
    assert.deepEqual(
      rows.map((r) => [r[0], r[1], r[2], r[3], r[5]]),
      [
        ['v3', 'Staging', '@challenger', 'READY', 'trainer-b'],
        ['v2', 'Production', '@champion', 'READY', 'trainer-a'],
        ['v1', 'Archived', '', 'READY', 'trainer-a'],
      ],
    );
    assert.match(rows[0]![6]!, new RegExp(`${runs.b}/artifacts/model$`));
    assert.equal(await p.page.getAttribute('.ll-versions-table tr[data-key="3"] a.ll-run-link', 'href'), `#/runs/${runs.b}`);
    await p.screenshot('registry-model');

    // a run link leads to the run page
    await p.page.click('.ll-versions-table tr[data-key="3"] a.ll-run-link');
    await p.page.waitForFunction((id) => location.hash === `#/runs/${id}`, runs.b);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('the version in the URL is highlighted and detailed; clicking another version moves the URL', async () => {
  const p = await openPage(browser, `${agent.url}/#/models/fraud-classifier?version=2`);
  try {
    await p.page.waitForSelector('.ll-version-details');
    assert.equal(await p.page.getAttribute('.ll-versions-table tr[data-key="2"]', 'aria-selected'), 'true');
    assert.equal(await p.page.locator('.ll-versions-table tr.ll-selected').count(), 1);
    const details = await p.page.locator('.ll-version-details').innerText();
    assert.match(details, /Version 2/);
    assert.match(details, /Production/);
    assert.match(details, /@champion/);
    assert.match(details, /Retrained on March data\./);
    assert.match(details, /auc\s+0\.97/);
    assert.equal(await p.page.getAttribute('.ll-version-details a.ll-run-link', 'href'), `#/runs/${runs.a}`);
    await p.screenshot('registry-version');

    await p.page.click('.ll-versions-table tr[data-key="3"] td.ll-version-source');
    await p.page.waitForFunction(() => location.hash === '#/models/fraud-classifier?version=3');
    await p.page.waitForFunction(() => document.querySelector('.ll-version-details h2')?.textContent === 'Version 3');
    assert.equal(await p.page.getAttribute('.ll-versions-table tr[data-key="3"]', 'aria-selected'), 'true');
    assert.equal(await p.page.getAttribute('.ll-versions-table tr[data-key="2"]', 'aria-selected'), 'false');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('keyboard: arrows move between rows, Enter opens the model, then a version', async () => {
  const p = await openPage(browser, `${agent.url}/#/models`);
  try {
    await p.page.waitForSelector('.ll-models-table tbody tr');
    await p.page.focus('.ll-models-table tbody tr[data-key="churn-model"]');
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('ArrowDown');
    assert.equal(await p.page.evaluate(() => document.activeElement?.dataset.key), 'fraud-classifier');
    await p.page.keyboard.press('Enter');
    await p.page.waitForSelector('.ll-versions-table tbody tr');
    assert.equal(new URL(p.page.url()).hash, '#/models/fraud-classifier');
    await p.page.focus('.ll-versions-table tbody tr[data-key="3"]');
    await p.page.keyboard.press('End');
    assert.equal(await p.page.evaluate(() => document.activeElement?.dataset.key), '1');
    await p.page.keyboard.press('Enter');
    await p.page.waitForFunction(() => document.querySelector('.ll-version-details h2')?.textContent === 'Version 1');
    assert.equal(new URL(p.page.url()).hash, '#/models/fraud-classifier?version=1');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('models and versions registered while the page is open appear without reload', async () => {
  const p = await openPage(browser, `${agent.url}/#/models`);
  try {
    await p.page.waitForSelector('.ll-models-table tbody tr');
    await createModel(agent.url, 'live-model');
    await p.page.waitForSelector('.ll-models-table tbody tr[data-key="live-model"]', { timeout: 10_000 });

    await p.page.click('.ll-models-table a:text("live-model")');
    await p.page.waitForSelector('.ll-model-page .ll-empty pre');
    assert.match(await p.page.locator('.ll-model-page .ll-empty').innerText(), /mlflow\.register_model\("runs:\/<run_id>\/model", "live-model"\)/);
    await createVersion(agent.url, 'live-model', `runs:/${runs.a}/model`, { run_id: runs.a });
    await p.page.waitForSelector('.ll-versions-table tbody tr[data-key="1"]', { timeout: 10_000 });
    assert.equal(await p.page.locator('.ll-versions-table a.ll-run-link').textContent(), 'trainer-a');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('an unknown model says so; an empty registry says how to register a model', async () => {
  const p = await openPage(browser, `${agent.url}/#/models/no-such-model`, { expectedErrors: ['status of 404'] });
  try {
    await p.page.waitForSelector('.ll-model-page .ll-error');
    assert.match(await p.page.locator('.ll-model-page .ll-error').innerText(), /no-such-model/);
    assert.equal(await p.page.getAttribute('.ll-model-page a:text("All models")', 'href'), '#/models');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }

  const fresh = await startAgent();
  const e = await openPage(browser, `${fresh.url}/#/models`);
  try {
    await e.page.waitForSelector('.ll-models-content .ll-empty');
    const text = await e.page.locator('.ll-models-content').innerText();
    assert.match(text, /No registered models yet/);
    assert.match(text, /mlflow\.register_model\("runs:\/<run_id>\/model", "my-model"\)/);
    assert.match(text, new RegExp(`MLFLOW_TRACKING_URI=${fresh.url.replace(/[.]/g, '\\.')}`));
    await e.screenshot('registry-empty');
    assert.deepEqual(e.errors, []);
  } finally {
    await e.close();
    await fresh.close();
  }
});
