/**
 * The test JupyterLab itself: PyPI's JupyterLab 4 (the venv .ci/run makes) loads with no console errors, applies user settings, runs Python, and loads a
 * prebuilt extension built here from a fixture with build-labextension, found in a
 * JUPYTER_PATH folder as a user's JupyterLab finds it.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './support/browser.js';
import {
  buildLabExtension,
  installLabExtension,
  JUPYTER_SKIP,
  isPluginActivated,
  openJupyterLab,
  openNotebook,
  runCell,
  startJupyterLab,
  writeNotebook,
  type StartedJupyterLab,
} from './support/jupyterLab.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'labextension-hello');

let browser: Browser;
let lab: StartedJupyterLab;
let work: string;

describe('PyPI JupyterLab for the tests', { skip: JUPYTER_SKIP }, () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'lablog-hello-ext-'));
    // built in a copy: the build writes into the extension folder
    const src = join(work, 'src');
    await cp(FIXTURE, src, { recursive: true });
    const [built, b] = await Promise.all([buildLabExtension(src, { development: true }), launchBrowser()]);
    browser = b;
    const jupyterDir = await installLabExtension(built, join(work, 'share'));
    // a user setting to start with: the dark theme (its CSS comes from the built themes)
    lab = await startJupyterLab({ jupyterPath: [jupyterDir], settings: { '@jupyterlab/apputils-extension:themes': { theme: 'JupyterLab Dark' } } });
  });

  after(async () => {
    await browser?.close();
    await lab?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('JupyterLab loads with no console errors; the prebuilt extension is listed, shares core packages and activates', async () => {
    const p = await openJupyterLab(browser, lab.url);
    try {
      const listed = await p.page.evaluate(
        () => JSON.parse(document.getElementById('jupyter-config-data').textContent).federated_extensions.map((e: any) => `${e.name} ${e.load}`) as string[],
      );
      // beside the venv's own (jupyter-server-proxy's, lablog's), found on JUPYTER_PATH
      const hello = listed.filter((e) => e.startsWith('lablog-test-hello '));
      assert.equal(hello.length, 1, listed.join('\n'));
      assert.match(hello[0]!, /^lablog-test-hello static\/remoteEntry\.[0-9a-f]+\.js$/);
      assert.equal(await isPluginActivated(p.page, 'lablog-test-hello:plugin'), true);
      // it got the host's ILabShell (a shared singleton) and its stylesheet applies
      assert.equal(await p.page.evaluate(() => document.body.dataset.lablogHello), 'JupyterLab:main');
      assert.equal(await p.page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--lablog-hello').trim()), 'loaded');
      // core plugins run too, with the user settings given
      assert.equal(await isPluginActivated(p.page, '@jupyterlab/notebook-extension:tracker'), true);
      await p.page.waitForSelector('body[data-jp-theme-name="JupyterLab Dark"]', { state: 'attached' });
      // the launcher an empty workspace opens with, listing the Python kernel
      await p.page.waitForSelector('.jp-LauncherCard[data-category="Notebook"]');
      await p.screenshot('jupyterlab-host');
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });

  test('a Python notebook runs 1+1 and shows 2', async () => {
    const path = await writeNotebook(lab.notebookDir, 'smoke.ipynb', ['']);
    const p = await openJupyterLab(browser, lab.url);
    try {
      const kernel = await openNotebook(p.page, path);
      assert.equal(kernel.language, 'python');
      assert.equal(await runCell(p.page, path, 0, '1+1'), '2');
      assert.equal(await runCell(p.page, path, 1, 'print("hello")'), 'hello');
      assert.deepEqual(p.errors, []);
    } finally {
      await p.close();
    }
  });
});
