/**
 * Acting on a run from its page in Chromium against a real agent: rename, description
 * (Markdown), tags (add, change, remove), delete and restore. Each is checked through the MLflow
 * REST API and on a second page open on the same run, which sees it live; the first flow is
 * done with the keyboard only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { openPage, type TestPage } from './support/browser.js';
import { get, newRun, post } from './support/mlflowHttp.js';
import { agent, browser, usePageRig } from './support/pageRig.js';

usePageRig();

type RestRun = { info: { run_name: string; lifecycle_stage: string }; data: { tags?: Array<{ key: string; value: string }> } };

async function restRun(runId: string): Promise<RestRun> {
  const r = await get<{ run: RestRun }>(agent.url, 'runs/get', { run_id: runId });
  assert.equal(r.status, 200);
  return r.body.run;
}

const tag = (run: RestRun, key: string) => run.data.tags?.find((t) => t.key === key)?.value;

/** Two pages on one run: the one acting and a second viewer. */
async function twoViewers(runId: string): Promise<[TestPage, TestPage]> {
  const url = `${agent.url}/#/runs/${runId}`;
  const pages = await Promise.all([openPage(browser, url), openPage(browser, url)]);
  for (const p of pages) await p.page.waitForSelector('.ll-run-actions');
  return pages as [TestPage, TestPage];
}

async function heading(page: Page): Promise<string> {
  return (await page.locator('.ll-run-title h1').textContent()) ?? '';
}

test('rename with the keyboard only: the REST API and a second viewer see the new name', async () => {
  const { runId } = await newRun(agent.url, 'actions-rename', 'before');
  const [a, b] = await twoViewers(runId);
  try {
    await a.page.focus('.ll-run-actions button[data-action="rename"]');
    await a.page.keyboard.press('Enter');
    await a.page.waitForSelector('dialog.ll-dialog[open]');
    await a.page.keyboard.press('ControlOrMeta+a');
    await a.page.keyboard.type('after');
    await a.page.keyboard.press('Enter');
    await a.page.waitForSelector('dialog.ll-dialog', { state: 'detached' });
    await a.page.waitForFunction(() => document.querySelector('.ll-run-title h1')?.textContent === 'after');
    assert.equal((await restRun(runId)).info.run_name, 'after');
    await b.page.waitForFunction(() => document.querySelector('.ll-run-title h1')?.textContent === 'after');
    // Escape cancels and changes nothing
    await a.page.click('.ll-run-actions button[data-action="rename"]');
    await a.page.keyboard.type('nope');
    await a.page.keyboard.press('Escape');
    await a.page.waitForSelector('dialog.ll-dialog', { state: 'detached' });
    assert.equal(await heading(a.page), 'after');
    assert.equal((await restRun(runId)).info.run_name, 'after');
    // an empty name (spaces pass the browser's `required`) is not sent: the dialog says why and stays
    await a.page.click('.ll-run-actions button[data-action="rename"]');
    await a.page.fill('dialog input[name="name"]', '  ');
    await a.page.keyboard.press('Enter');
    await a.page.waitForSelector('dialog.ll-dialog[open] .ll-dialog-error:not([hidden])');
    assert.equal(await a.page.locator('dialog.ll-dialog[open] .ll-dialog-error').textContent(), 'Name is required.');
    assert.equal(await a.page.locator('dialog.ll-dialog[open]').count(), 1);
    assert.equal((await restRun(runId)).info.run_name, 'after');
    await a.page.keyboard.press('Escape');
    assert.deepEqual([...a.errors, ...b.errors], []);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('the description is Markdown in mlflow.note.content, shown first on the overview, sanitised', async () => {
  const { runId } = await newRun(agent.url, 'actions-note', 'r');
  const [a, b] = await twoViewers(runId);
  try {
    assert.equal(await a.page.locator('[data-section="description"] .ll-muted').textContent(), 'No description.');
    assert.equal(await a.page.locator('.ll-run-section').first().getAttribute('data-section'), 'description');
    await a.page.click('[data-section="description"] button[data-action="describe"]');
    await a.page.fill('dialog textarea[name="text"]', 'Tried **warmup**.\n\n<img src=x onerror="window.pwned=1">\n\n- a\n- b');
    await a.page.keyboard.press('Control+Enter');
    await a.page.waitForSelector('[data-section="description"] .ll-markdown strong');
    assert.equal(tag(await restRun(runId), 'mlflow.note.content'), 'Tried **warmup**.\n\n<img src=x onerror="window.pwned=1">\n\n- a\n- b');
    await b.page.waitForSelector('[data-section="description"] .ll-markdown strong');
    await b.screenshot('run-description');
    assert.equal(await b.page.locator('[data-section="description"] .ll-markdown li').count(), 2);
    assert.equal(await b.page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    assert.equal(await b.page.locator('[data-section="description"] img[onerror]').count(), 0);
    // emptied: the tag goes
    await a.page.click('[data-section="description"] button[data-action="describe"]');
    await a.page.fill('dialog textarea[name="text"]', '');
    await a.page.click('dialog button[type="submit"]');
    await a.page.waitForSelector('[data-section="description"] .ll-muted');
    assert.equal(tag(await restRun(runId), 'mlflow.note.content'), undefined);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('tags: add, change and remove, seen through REST and by a second viewer', async () => {
  const { runId } = await newRun(agent.url, 'actions-tags', 'r');
  const [a, b] = await twoViewers(runId);
  const row = '[data-section="tags"] tr[data-key="team"]';
  try {
    await a.page.click('[data-section="tags"] button[data-action="add-tag"]');
    await a.page.fill('dialog input[name="key"]', 'team');
    await a.page.fill('dialog input[name="value"]', 'vision');
    await a.screenshot('run-add-tag-dialog');
    await a.page.keyboard.press('Enter');
    await b.page.waitForSelector(row);
    assert.equal(tag(await restRun(runId), 'team'), 'vision');

    await a.page.click(`${row} button[data-action="edit-tag"]`);
    assert.equal(await a.page.locator('dialog input[name="key"]').count(), 0);
    await a.page.fill('dialog input[name="value"]', 'nlp');
    await a.page.keyboard.press('Enter');
    await b.page.waitForFunction((sel) => document.querySelector(`${sel} td:nth-child(2)`)?.textContent === 'nlp', row);
    assert.equal(tag(await restRun(runId), 'team'), 'nlp');

    await a.page.click(`${row} button[data-action="delete-tag"]`);
    await a.page.click('dialog button.ll-danger');
    await b.page.waitForSelector(row, { state: 'detached' });
    assert.equal(tag(await restRun(runId), 'team'), undefined);
    assert.deepEqual([...a.errors, ...b.errors], []);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('delete asks first, then the run is deleted (REST, second viewer); Restore brings it back', async () => {
  const { runId } = await newRun(agent.url, 'actions-delete', 'doomed');
  const [a, b] = await twoViewers(runId);
  try {
    await a.page.click('.ll-run-actions button[data-action="delete"]');
    assert.match(await a.page.locator('dialog.ll-dialog p').textContent() ?? '', /doomed moves to the deleted runs/);
    await a.page.click('dialog button:text("Cancel")');
    assert.equal((await restRun(runId)).info.lifecycle_stage, 'active');

    await a.page.click('.ll-run-actions button[data-action="delete"]');
    await a.page.click('dialog button.ll-danger');
    await a.page.waitForSelector('.ll-run-actions button[data-action="restore"]');
    assert.equal((await restRun(runId)).info.lifecycle_stage, 'deleted');
    await b.page.waitForSelector('.ll-status-deleted');

    await a.page.click('.ll-run-actions button[data-action="restore"]');
    await a.page.waitForSelector('.ll-run-actions button[data-action="delete"]');
    assert.equal((await restRun(runId)).info.lifecycle_stage, 'active');
    await b.page.waitForSelector('.ll-status-deleted', { state: 'detached' });
    assert.deepEqual([...a.errors, ...b.errors], []);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('runs table: delete the selected runs, list the deleted ones (in the URL), restore one; a second viewer follows live', async () => {
  const { experimentId, runId: keep } = await newRun(agent.url, 'actions-table', 'keep');
  const ids: Record<string, string> = { keep };
  for (const name of ['gone-1', 'gone-2']) {
    const r = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: experimentId, run_name: name, start_time: Date.now() });
    ids[name] = r.body.run.info.run_id;
  }
  const url = `${agent.url}/#/experiments/${experimentId}`;
  const rows = 'table.ll-runs-table tbody tr';
  const names = (page: Page) => page.locator(`${rows} td[data-col="name"]`).allTextContents().then((n) => n.sort());
  const waitCount = (page: Page, n: number) => page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n && !document.querySelector('.ll-runs-view[data-loading]'), [rows, n] as const);
  const [a, b] = await Promise.all([openPage(browser, url), openPage(browser, url)]);
  try {
    await Promise.all([waitCount(a.page, 3), waitCount(b.page, 3)]);
    assert.equal(await a.page.locator('button[data-action="delete-runs"]').isHidden(), true);
    for (const n of ['gone-1', 'gone-2']) await a.page.locator(`${rows}[data-run-id="${ids[n]}"] input.ll-row-check`).check();
    assert.equal(await a.page.locator('button[data-action="delete-runs"]').textContent(), 'Delete 2 runs');
    await a.page.click('button[data-action="delete-runs"]');
    await a.page.click('dialog button.ll-danger');
    await waitCount(a.page, 1);
    await waitCount(b.page, 1);
    assert.deepEqual(await names(b.page), ['keep']);
    for (const n of ['gone-1', 'gone-2']) assert.equal((await restRun(ids[n]!)).info.lifecycle_stage, 'deleted');

    await a.page.selectOption('select.ll-runs-shown', 'deleted');
    await a.page.waitForFunction(() => new URLSearchParams(location.hash.split('?')[1]).get('show') === 'deleted');
    await waitCount(a.page, 2);
    assert.deepEqual(await names(a.page), ['gone-1', 'gone-2']);
    assert.equal(await a.page.locator(`${rows} td[data-col="status"] .ll-status-deleted`).count(), 2);
    await a.page.locator(`${rows}[data-run-id="${ids['gone-1']}"] input.ll-row-check`).check();
    assert.equal(await a.page.locator('button[data-action="restore-runs"]').textContent(), 'Restore run');
    await a.page.click('button[data-action="restore-runs"]');
    await waitCount(a.page, 1);
    assert.equal((await restRun(ids['gone-1']!)).info.lifecycle_stage, 'active');
    await waitCount(b.page, 2);
    assert.deepEqual(await names(b.page), ['gone-1', 'keep']);

    // the bookmark shows the same list
    await a.page.reload();
    await waitCount(a.page, 1);
    assert.equal(await a.page.locator('select.ll-runs-shown').inputValue(), 'deleted');
    assert.deepEqual(await names(a.page), ['gone-2']);
    assert.deepEqual([...a.errors, ...b.errors], []);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('experiments: create from the sidebar, search the list, rename, delete (listed with “Show deleted”) and restore — REST and a second viewer agree', async () => {
  const [a, b] = await Promise.all([openPage(browser, `${agent.url}/#/`), openPage(browser, `${agent.url}/#/`)]);
  const item = (page: Page, name: string) => page.locator('.ll-experiment .ll-experiment-name', { hasText: new RegExp(`^${name}$`) });
  try {
    await a.page.waitForSelector('.ll-new-experiment');
    await a.page.click('.ll-new-experiment');
    await a.page.fill('dialog input[name="name"]', 'fresh-exp');
    await a.page.keyboard.press('Enter');
    await a.page.waitForFunction(() => document.querySelector('.ll-runs-header h1')?.textContent === 'fresh-exp');
    const id = new URL(a.page.url()).hash.match(/#\/experiments\/([^?]+)/)?.[1];
    assert.ok(id);
    const rest = await get<{ experiment: { name: string; lifecycle_stage: string } }>(agent.url, 'experiments/get', { experiment_id: id });
    assert.equal(rest.body.experiment.name, 'fresh-exp');
    await item(b.page, 'fresh-exp').waitFor();
    // a second create of the same name is refused inside the dialog, with MLflow's message
    await a.page.click('.ll-new-experiment');
    await a.page.fill('dialog input[name="name"]', 'fresh-exp');
    await a.page.keyboard.press('Enter');
    await a.page.waitForSelector('dialog .ll-dialog-error:not([hidden])');
    assert.match(await a.page.locator('dialog .ll-dialog-error').textContent() ?? '', /already exists/);
    await a.page.keyboard.press('Escape');

    // the list's search narrows it by name
    await b.page.fill('.ll-experiment-search', 'FRESH');
    assert.deepEqual(await b.page.locator('.ll-experiment .ll-experiment-name').allTextContents(), ['fresh-exp']);
    await b.page.fill('.ll-experiment-search', 'no-such-thing');
    await b.page.waitForSelector('.ll-experiments-note:text("No experiment name contains")');
    await b.page.fill('.ll-experiment-search', '');

    await a.page.click('button[data-action="rename-experiment"]');
    await a.page.fill('dialog input[name="name"]', 'renamed-exp');
    await a.page.keyboard.press('Enter');
    await a.page.waitForFunction(() => document.querySelector('.ll-runs-header h1')?.textContent === 'renamed-exp');
    await item(b.page, 'renamed-exp').waitFor();
    assert.equal((await get<{ experiment: { name: string } }>(agent.url, 'experiments/get', { experiment_id: id })).body.experiment.name, 'renamed-exp');

    await a.page.click('button[data-action="delete-experiment"]');
    await a.page.click('dialog button.ll-danger');
    await a.page.waitForSelector('button[data-action="restore-experiment"]');
    assert.equal((await get<{ experiment: { lifecycle_stage: string } }>(agent.url, 'experiments/get', { experiment_id: id })).body.experiment.lifecycle_stage, 'deleted');
    await item(b.page, 'renamed-exp').waitFor({ state: 'detached' });
    await b.page.check('.ll-show-deleted input');
    await b.page.waitForSelector('.ll-experiment.ll-deleted .ll-status-deleted');

    await a.page.click('button[data-action="restore-experiment"]');
    await a.page.waitForSelector('button[data-action="delete-experiment"]');
    assert.equal((await get<{ experiment: { lifecycle_stage: string } }>(agent.url, 'experiments/get', { experiment_id: id })).body.experiment.lifecycle_stage, 'active');
    await b.page.waitForSelector('.ll-experiment.ll-deleted', { state: 'detached' });
    assert.deepEqual(b.errors, []);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
