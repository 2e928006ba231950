/**
 * Acting on the model registry from the page in Chromium against a real agent: register a
 * version from a run's logged model, stages with archive-existing, aliases, descriptions,
 * tags of models and versions, delete a version and a model. Each is checked through the MLflow
 * REST API, and where another viewer is open, on it too (live).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { openPage } from './support/browser.js';
import { newRun, post } from './support/mlflowHttp.js';
import { createModel, createVersion, getModel, getVersion } from './support/registryHttp.js';
import { agent, browser, usePageRig } from './support/pageRig.js';

usePageRig();

async function submit(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) await page.fill(`dialog [name="${name}"]`, value);
  await page.click('dialog button[type="submit"]');
  await page.waitForSelector('dialog.ll-dialog', { state: 'detached' });
}

test("register a version from a run's logged model; the run page lists it and the models page of another viewer shows the new model", async () => {
  const { runId } = await newRun(agent.url, 'reg-actions', 'trainer');
  const logged = await post(agent.url, 'runs/log-model', { run_id: runId, model_json: JSON.stringify({ artifact_path: 'model', flavors: { sklearn: {}, python_function: {} }, run_id: runId, utc_time_created: '2026-01-02 03:04:05.000000' }) });
  assert.equal(logged.status, 200);
  const [a, b] = await Promise.all([openPage(browser, `${agent.url}/#/runs/${runId}`), openPage(browser, `${agent.url}/#/models`)]);
  try {
    await a.page.click('[data-section="logged-models"] button[data-action="register-model"]');
    assert.equal(await a.page.inputValue('dialog input[name="name"]'), 'trainer');
    await submit(a.page, { name: 'churn' });
    const version = await getVersion(agent.url, 'churn', '1');
    assert.equal(version.status, 200);
    assert.equal(version.body.model_version.source, `runs:/${runId}/model`);
    assert.equal(version.body.model_version.run_id, runId);
    await a.page.waitForSelector('[data-section="model-versions"] tr[data-key="churn/1"]');
    await b.page.waitForSelector('.ll-models-table tbody tr[data-key="churn"]');

    // a second registration into the same model makes version 2
    await a.page.click('[data-section="logged-models"] button[data-action="register-model"]');
    await submit(a.page, { name: 'churn' });
    assert.equal((await getVersion(agent.url, 'churn', '2')).status, 200);
    assert.deepEqual(b.errors, []);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('a version: stage with archive-existing, aliases, description and tags; the model: description and tags — all through REST', async () => {
  await createModel(agent.url, 'fraud');
  for (let i = 0; i < 2; i++) await createVersion(agent.url, 'fraud');
  const p = await openPage(browser, `${agent.url}/#/models/fraud?version=1`);
  try {
    const details = '.ll-version-details';
    await p.page.waitForSelector(`${details} button[data-action="transition"]`);
    await p.page.click(`${details} button[data-action="transition"]`);
    await p.page.selectOption('dialog select[name="stage"]', 'Production');
    await p.page.click('dialog button[type="submit"]');
    await p.page.waitForFunction(() => document.querySelector('.ll-versions-table tr[data-key="1"] .ll-stage')?.textContent === 'Production');
    assert.equal((await getVersion(agent.url, 'fraud', '1')).body.model_version.current_stage, 'Production');

    // version 2 to Production, archiving version 1
    await p.page.click('.ll-versions-table a:text("v2")');
    await p.page.waitForFunction(() => document.querySelector('.ll-version-details h2')?.textContent === 'Version 2');
    await p.page.click(`${details} button[data-action="transition"]`);
    await p.page.selectOption('dialog select[name="stage"]', 'Production');
    await p.page.check('dialog input[name="archive"]');
    await p.page.click('dialog button[type="submit"]');
    await p.page.waitForFunction(() => document.querySelector('.ll-versions-table tr[data-key="1"] .ll-stage')?.textContent === 'Archived');
    assert.equal((await getVersion(agent.url, 'fraud', '2')).body.model_version.current_stage, 'Production');
    assert.equal((await getVersion(agent.url, 'fraud', '1')).body.model_version.current_stage, 'Archived');

    // alias on version 2, then removed
    await p.page.click(`${details} button[data-action="add-alias"]`);
    await submit(p.page, { alias: 'champion' });
    await p.page.waitForSelector('.ll-alias-chip[data-alias="champion"]');
    assert.deepEqual((await getModel(agent.url, 'fraud')).body.registered_model.aliases, [{ alias: 'champion', version: '2' }]);
    await p.page.click('.ll-alias-chip[data-alias="champion"] button[data-action="remove-alias"]');
    await p.page.click('dialog button.ll-danger');
    await p.page.waitForSelector('.ll-alias-chip', { state: 'detached' });
    assert.deepEqual((await getModel(agent.url, 'fraud')).body.registered_model.aliases ?? [], []);

    // descriptions, in Markdown
    await p.page.click(`${details} button[data-action="describe-version"]`);
    await submit(p.page, { text: 'Retrained on **May** data.' });
    await p.page.waitForSelector(`${details} .ll-markdown strong`);
    assert.equal((await getVersion(agent.url, 'fraud', '2')).body.model_version.description, 'Retrained on **May** data.');
    await p.page.click('button[data-action="describe-model"]');
    await submit(p.page, { text: 'Scores card payments.' });
    await p.page.waitForSelector('.ll-model-page > .ll-markdown');
    assert.equal((await getModel(agent.url, 'fraud')).body.registered_model.description, 'Scores card payments.');

    // tags of the version, then of the model
    await p.page.click(`${details} button[data-action="add-tag"]`);
    await submit(p.page, { key: 'validated', value: 'yes' });
    await p.page.waitForSelector(`${details} tr[data-key="validated"]`);
    assert.deepEqual((await getVersion(agent.url, 'fraud', '2')).body.model_version.tags, [{ key: 'validated', value: 'yes' }]);
    await p.page.click(`${details} tr[data-key="validated"] button[data-action="edit-tag"]`);
    await submit(p.page, { value: 'no' });
    await p.page.waitForFunction((sel) => document.querySelector(`${sel} tr[data-key="validated"] td:nth-child(2)`)?.textContent === 'no', details);
    await p.page.click(`${details} tr[data-key="validated"] button[data-action="delete-tag"]`);
    await p.page.click('dialog button.ll-danger');
    await p.page.waitForSelector(`${details} tr[data-key="validated"]`, { state: 'detached' });
    assert.deepEqual((await getVersion(agent.url, 'fraud', '2')).body.model_version.tags ?? [], []);

    const modelTags = '.ll-model-page > .ll-editable-tags';
    await p.page.click(`${modelTags} button[data-action="add-tag"]`);
    await submit(p.page, { key: 'team', value: 'risk' });
    await p.page.waitForSelector(`${modelTags} tr[data-key="team"]`);
    assert.deepEqual((await getModel(agent.url, 'fraud')).body.registered_model.tags, [{ key: 'team', value: 'risk' }]);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('delete a version, then the model (each asks first); the page moves on and REST agrees', async () => {
  await createModel(agent.url, 'doomed');
  for (let i = 0; i < 2; i++) await createVersion(agent.url, 'doomed');
  const p = await openPage(browser, `${agent.url}/#/models/doomed?version=2`);
  try {
    await p.page.waitForSelector('.ll-version-details button[data-action="delete-version"]');
    await p.page.click('.ll-version-details button[data-action="delete-version"]');
    assert.match(await p.page.locator('dialog p').textContent() ?? '', /Delete version 2 of doomed\? This cannot be undone/);
    await p.page.click('dialog button.ll-danger');
    await p.page.waitForSelector('.ll-versions-table tr[data-key="2"]', { state: 'detached' });
    assert.equal(new URL(p.page.url()).hash, '#/models/doomed');
    assert.equal((await getVersion(agent.url, 'doomed', '2')).status, 404);
    assert.equal((await getVersion(agent.url, 'doomed', '1')).status, 200);

    await p.page.click('button[data-action="delete-model"]');
    await p.page.click('dialog button.ll-danger');
    await p.page.waitForFunction(() => location.hash === '#/models');
    assert.equal((await getModel(agent.url, 'doomed')).status, 404);
    await p.page.waitForSelector('.ll-models-table tbody tr[data-key="doomed"]', { state: 'detached' });
  } finally {
    await p.close();
  }
});
