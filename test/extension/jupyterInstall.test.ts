/**
 * `lablog jupyter install|uninstall`: the prebuilt extension (built by `npm run build` into
 * agent/labextension) lands where JupyterLab looks for prebuilt extensions, with install.json,
 * and goes away again.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../support/agentProcess.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lablog-jupyter-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('install --dir puts the prebuilt extension and install.json under labextensions/@lablog/jupyterlab', async () => {
  const res = await runCli(['jupyter', 'install', '--dir', dir]);
  assert.equal(res.code, 0, res.output);
  const target = join(dir, 'labextensions', '@lablog', 'jupyterlab');
  const meta = JSON.parse(await readFile(join(target, 'package.json'), 'utf8')) as { name: string; jupyterlab: { _build: { load: string } } };
  assert.equal(meta.name, '@lablog/jupyterlab');
  assert.match(meta.jupyterlab._build.load, /^static\/remoteEntry\.[0-9a-f]+\.js$/);
  assert.ok(existsSync(join(target, meta.jupyterlab._build.load)), 'the remote entry is there');
  assert.ok(existsSync(join(target, 'schemas', '@lablog', 'jupyterlab', 'plugin.json')), 'the settings schema is there');
  const install = JSON.parse(await readFile(join(target, 'install.json'), 'utf8')) as { packageManager: string; packageName: string; uninstallInstructions: string };
  assert.deepEqual([install.packageManager, install.packageName], ['npm', 'lablog']);
  assert.match(install.uninstallInstructions, /lablog jupyter uninstall/);
  assert.match(res.output, /installed @lablog\/jupyterlab/);
});

test('--user follows JUPYTER_DATA_DIR; uninstall removes it', async () => {
  const data = join(dir, 'userdata');
  const env = { JUPYTER_DATA_DIR: data };
  assert.equal((await runCli(['jupyter', 'install', '--user'], env)).code, 0);
  assert.ok(existsSync(join(data, 'labextensions', '@lablog', 'jupyterlab', 'package.json')));
  const res = await runCli(['jupyter', 'uninstall'], env);
  assert.equal(res.code, 0, res.output);
  assert.ok(!existsSync(join(data, 'labextensions', '@lablog', 'jupyterlab')));
  assert.match((await runCli(['jupyter', 'uninstall'], env)).output, /was not installed/);
});

test('--sys-prefix asks the python for its prefix; bad usage is a clear error', async () => {
  const bad = await runCli(['jupyter', 'install', '--user', '--dir', dir]);
  assert.equal(bad.code, 2);
  assert.match(bad.output, /only one of/);
  const unknown = await runCli(['jupyter', 'frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.output, /unknown jupyter command/);
  const noPython = await runCli(['jupyter', 'install', '--sys-prefix', '--python', join(dir, 'no-such-python')]);
  assert.equal(noPython.code, 2);
  assert.match(noPython.output, /sys\.prefix/);
});
