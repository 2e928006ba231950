/**
 * The Artifacts tab on a logged model's files, in Chromium: an `MLmodel` shows a model card
 * (flavors, signature, how to load it, Register model through the API) and a `log_table` file
 * shows as a table. (The tree, previews and live updates: page.artifacts.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { putArtifact, runArtifactUrl } from './support/artifactHttp.js';
import { openPage } from './support/browser.js';
import { newRun } from './support/mlflowHttp.js';
import { agent, browser, usePageRig } from './support/pageRig.js';

usePageRig();

/** The files of a run with a logged model and a logged table. */
const MODEL_FILES: Record<string, string> = {
  'model/MLmodel': [
    'artifact_path: model',
    'flavors:',
    '  python_function:',
    '    loader_module: mlflow.sklearn',
    '    python_version: 3.11.2',
    '  sklearn:',
    '    pickled_model: model.pkl',
    '    sklearn_version: 1.2.1',
    'mlflow_version: 2.12.2',
    'signature:',
    '  inputs: \'[{"type": "double", "name": "age", "required": true}, {"type": "string", "name": "city", "required": true}]\'',
    '  outputs: \'[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]\'',
    "utc_time_created: '2026-11-23 19:12:26.105396'",
    '',
  ].join('\n'),
  'tables/predictions.json': JSON.stringify({ columns: ['id', 'label', 'score'], data: [[1, 'cat', 0.9], [2, 'dog', 0.25]] }),
};

let modelRuns = 0;

async function modelRun(): Promise<{ experimentId: string; runId: string }> {
  const r = await newRun(agent.url, `artifacts-model-${++modelRuns}`);
  for (const [path, body] of Object.entries(MODEL_FILES)) {
    const res = await putArtifact(runArtifactUrl(agent.url, r.experimentId, r.runId, path), body);
    assert.equal(res.status, 200, JSON.stringify(res.json));
  }
  return r;
}

test("a model's MLmodel shows a card: flavors with versions, the signature, how to load it, and Register model (which registers through the API)", async () => {
  const mr = await modelRun();
  const p = await openPage(browser, `${agent.url}/#/runs/${mr.runId}?tab=artifacts&artifact=${encodeURIComponent('model/MLmodel')}`);
  try {
    await p.page.waitForSelector('.ll-model-card');
    const facts = await p.page.$$eval('.ll-model-card dt, .ll-model-card dd', (e) => e.map((x: any) => x.textContent));
    assert.deepEqual(facts.slice(0, 2), ['Flavors', 'python_function, sklearn 1.2.1']);
    assert.deepEqual(await p.page.$$eval('.ll-model-card .ll-signature-table', (t) => t.length), 2);
    assert.deepEqual(await p.page.locator('.ll-signature-table').first().locator('tbody td:first-child').allTextContents(), ['age', 'city']);
    assert.equal(await p.page.locator('.ll-signature-table').nth(1).locator('tbody td').nth(1).textContent(), 'tensor int64 [-1]');
    assert.equal(await p.page.locator('.ll-model-usage').textContent(), `import mlflow\n\nmodel = mlflow.pyfunc.load_model("runs:/${mr.runId}/model")\npredictions = model.predict(data)`);
    await p.page.click('.ll-model-card button[data-action="register-model"]');
    assert.equal(await p.page.inputValue('dialog input[name="name"]'), 'model');
    await p.page.fill('dialog input[name="name"]', 'from-artifacts');
    await p.page.click('dialog button[type="submit"]');
    await p.page.waitForSelector('dialog.ll-dialog', { state: 'detached' });
    const v = await fetch(`${agent.url}/api/2.0/mlflow/model-versions/get?name=from-artifacts&version=1`).then((r) => r.json() as Promise<{ model_version: { source: string; run_id: string } }>);
    assert.equal(v.model_version.source, `runs:/${mr.runId}/model`);
    assert.equal(v.model_version.run_id, mr.runId);
    await p.screenshot('artifacts-model-card');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('a log_table file shows as a table', async () => {
  const mr = await modelRun();
  const p = await openPage(browser, `${agent.url}/#/runs/${mr.runId}?tab=artifacts&artifact=${encodeURIComponent('tables/predictions.json')}`);
  try {
    await p.page.waitForSelector('.ll-preview-table table');
    assert.deepEqual(await p.page.locator('.ll-preview-table th').allTextContents(), ['id', 'label', 'score']);
    assert.deepEqual(await p.page.locator('.ll-preview-table tbody tr').first().locator('td').allTextContents(), ['1', 'cat', '0.9']);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
