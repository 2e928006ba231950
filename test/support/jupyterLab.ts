/**
 * A real JupyterLab 4 for tests: PyPI's jupyterlab, jupyter_server 2, jupyter-server-proxy,
 * ipykernel, mlflow and the built jupyterlab-lablog wheel, from the venv that .ci/run makes
 * (python/test-requirements.txt, pinned) and names in `LABLOG_JUPYTER_VENV`. Without it the
 * JupyterLab tests skip (`JUPYTER_SKIP` says why); CI always has it. Prebuilt extensions load
 * as a user's JupyterLab loads them: from the venv's share/jupyter/labextensions (the wheel's
 * lablog among them) and from `<dir>/labextensions/<name>/` of any folder put first in
 * JUPYTER_PATH. See ../shared/JUPYTERLAB.md.
 *
 * Also builds any extension folder into a prebuilt labextension (`buildLabExtension`) and
 * re-exports the Playwright helpers that drive the page (./jupyterLabPage.ts).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export * from './jupyterLabPage.js';

/** The repository root, found from wherever this file was compiled to (test/dist or bench/dist). */
export const REPO_DIR = findRepo(import.meta.dirname);

function findRepo(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pyproject.toml')) && existsSync(join(dir, 'extension', 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`the repository root was not found above ${from}`);
  }
}

/** The venv with JupyterLab, MLflow and jupyterlab-lablog (.ci/run sets LABLOG_JUPYTER_VENV). */
export const JUPYTER_VENV = process.env.LABLOG_JUPYTER_VENV ?? '';

/** The venv's Python. */
export const PYTHON = join(JUPYTER_VENV, 'bin', 'python');

/** Why the JupyterLab tests cannot run here (false when they can): give it to `test(..., { skip })`. */
export const JUPYTER_SKIP: string | false = !JUPYTER_VENV
  ? 'no JupyterLab venv: LABLOG_JUPYTER_VENV is not set (.ci/run makes one from python/test-requirements.txt and the built wheel)'
  : !existsSync(join(JUPYTER_VENV, 'bin', 'jupyter-lab'))
    ? `LABLOG_JUPYTER_VENV=${JUPYTER_VENV} has no jupyter-lab`
    : false;

/** A running test JupyterLab. */
export interface StartedJupyterLab {
  /** The server's URL with its base URL, no trailing slash: `http://127.0.0.1:PORT/user/alice` (JupyterLab is at `${url}/lab`). */
  url: string;
  /** The server's port (the only one a browser test lets the page reach). */
  port: number;
  /** Jupyter's token ('' for none): the page is opened with `?token=`. */
  token: string;
  /** The folder the server serves notebooks from. */
  notebookDir: string;
  /** The server's Jupyter data folder (`JUPYTER_DATA_DIR`, also a Jupyter path; lablog's default store is `<it>/lablog`). */
  dataDir: string;
  /**
   * The server's private Jupyter config folder (`JUPYTER_CONFIG_DIR`): e.g. write
   * `labconfig/page_config.json` there before opening the page to disable an extension.
   */
  configDir: string;
  /** Everything the server printed so far (its log). */
  log(): string;
  /** Stops the server, its kernels and the processes it started (lablog's agent), removes its temporary folders. Idempotent. */
  close(): Promise<void>;
}

/** Options of `startJupyterLab`. */
export interface JupyterLabOptions {
  /** Folders put first in `JUPYTER_PATH`; prebuilt extensions in their `labextensions/` load. */
  jupyterPath?: string[];
  /** Extra environment for the server and so for its kernels. */
  env?: Record<string, string>;
  /** Notebook folder (default: a new temporary one, removed by `close`). */
  notebookDir?: string;
  /** Jupyter data folder (default: a new temporary one, removed by `close`); give one to keep lablog's store across restarts. */
  dataDir?: string;
  /** `--ServerApp.base_url`, e.g. `/user/alice/` (default `/`). */
  baseUrl?: string;
  /** Jupyter's token (default: none). */
  token?: string;
  /**
   * User settings to start with, by plugin id, e.g. `{ '@lablog/jupyterlab:plugin': { agentUrl } }`
   * (written as `<user settings>/<package>/<plugin>.jupyterlab-settings`, as the settings editor saves them).
   */
  settings?: Record<string, Record<string, unknown>>;
}

// Servers still running when this process exits are killed with their kernels.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/**
 * Starts `jupyter lab` from the venv on 127.0.0.1 with private config, data, runtime and
 * IPython folders. Call `close()` when done.
 * @throws when there is no venv (check JUPYTER_SKIP first), or the server exits before answering or does not answer within 60 s (with its log)
 */
export async function startJupyterLab(opts: JupyterLabOptions = {}): Promise<StartedJupyterLab> {
  if (JUPYTER_SKIP) throw new Error(JUPYTER_SKIP);
  const root = await mkdtemp(join(tmpdir(), 'lablog-jupyterlab-'));
  const dirs = {
    config: join(root, 'config'),
    data: opts.dataDir ? resolve(opts.dataDir) : join(root, 'data'),
    runtime: join(root, 'runtime'),
    ipython: join(root, 'ipython'),
    state: join(root, 'state'),
  };
  await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
  // no "get notified about Jupyter news?" prompt over the page (it asks on a fresh profile)
  const settings = { '@jupyterlab/apputils-extension:notification': { fetchNews: 'false' }, ...opts.settings };
  for (const [id, values] of Object.entries(settings)) {
    const [pkg, plugin] = id.split(':');
    if (!pkg || !plugin) throw new Error(`settings: "${id}" is not a plugin id (<package>:<plugin>)`);
    const file = join(dirs.state, 'user_settings', ...pkg.split('/'), `${plugin}.jupyterlab-settings`);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(values, null, 2));
  }
  const notebookDir = opts.notebookDir ? resolve(opts.notebookDir) : join(root, 'notebooks');
  await mkdir(notebookDir, { recursive: true });
  const jupyterPath = [...(opts.jupyterPath ?? []).map((p) => resolve(p)), ...(process.env.JUPYTER_PATH ?? '').split(':').filter(Boolean)];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(JUPYTER_VENV, 'bin')}:${process.env.PATH ?? ''}`,
    VIRTUAL_ENV: JUPYTER_VENV,
    ...opts.env,
    JUPYTER_PATH: jupyterPath.join(':'),
    JUPYTER_CONFIG_DIR: dirs.config,
    JUPYTER_DATA_DIR: dirs.data,
    JUPYTER_RUNTIME_DIR: dirs.runtime,
    IPYTHONDIR: dirs.ipython,
    PYTHONUNBUFFERED: '1',
  };
  // the server's own env decides where kernels log before they are linked: never the test runner's
  if (!opts.env?.MLFLOW_TRACKING_URI) delete env.MLFLOW_TRACKING_URI;
  if (!opts.env?.LABLOG_STORE) delete env.LABLOG_STORE;
  const token = opts.token ?? '';
  const base = `/${(opts.baseUrl ?? '/').replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');

  // A port picked free can be taken before the server binds it: then try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = [
      'lab',
      '--ip=127.0.0.1',
      `--port=${port}`,
      '--port-retries=0',
      '--no-browser',
      '--allow-root',
      `--ServerApp.token=${token}`,
      '--ServerApp.password=',
      `--ServerApp.base_url=${base}`,
      '--ServerApp.terminals_enabled=False',
      `--ServerApp.root_dir=${notebookDir}`,
      `--LabApp.user_settings_dir=${join(dirs.state, 'user_settings')}`,
      `--LabApp.workspaces_dir=${join(dirs.state, 'workspaces')}`,
      // no news and update checks over the network
      '--LabApp.expose_app_in_browser=True',
      '--LabApp.news_url=',
      '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
    ];
    // own process group: the kernels and the agent it starts are stopped with it
    const child = spawn(join(JUPYTER_VENV, 'bin', 'jupyter'), args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<string>((res) => child.on('exit', (code, signal) => res(String(code ?? signal))));
    exited.then(() => running.delete(child));
    const url = `http://127.0.0.1:${port}${base.replace(/\/$/, '')}`;
    const up = await waitUntilUp(url, token, exited, 60_000);
    if (up === 'up') {
      let closing: Promise<void> | undefined;
      return {
        url,
        port,
        token,
        notebookDir,
        dataDir: dirs.data,
        configDir: dirs.config,
        log: () => out,
        close() {
          closing ??= stopServer(child, exited).finally(() => rm(root, { recursive: true, force: true }));
          return closing;
        },
      };
    }
    killGroup(child, 'SIGKILL');
    if (up === 'exited' && /address already in use/i.test(out) && attempt < 5) continue;
    await rm(root, { recursive: true, force: true });
    throw new Error(`JupyterLab server ${up === 'exited' ? 'exited' : 'did not answer'} on port ${port}:\n${out}`);
  }
}

/** Polls `GET /api/status` until it answers 200 or the process exits. */
async function waitUntilUp(url: string, token: string, exited: Promise<string>, timeoutMs: number): Promise<'up' | 'exited' | 'timeout'> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) return 'exited';
    try {
      const res = await fetch(`${url}/api/status`, { headers: token ? { authorization: `token ${token}` } : {} });
      await res.body?.cancel();
      if (res.ok) return 'up';
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return 'timeout';
}

/** SIGTERM: the server stops its kernels and exits; the group is killed if it lingers. */
async function stopServer(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  // the agent (stopped by the server as it exits) flushes and releases its store: give the group a moment
  for (let i = 0; i < 50 && groupAlive(child); i++) await new Promise((r) => setTimeout(r, 100));
  // a kernel that outlived the server would otherwise keep running
  killGroup(child, 'SIGKILL');
}

function groupAlive(child: ChildProcess): boolean {
  try {
    return child.pid !== undefined && process.kill(-child.pid, 0);
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/** Runs `node <args>` in `cwd`; its output goes to stderr; rejects on failure or timeout. */
function runNode(args: string[], cwd: string, timeoutMs: number): Promise<void> {
  return new Promise((res, rej) => {
    const child = execFile(process.execPath, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`node ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else res();
    });
    child.stderr?.pipe(process.stderr);
  });
}

/**
 * A folder with JupyterLab's core metadata as `package.json`, the `--core-path` that
 * `build-labextension` builds against (@jupyterlab/core-meta ships it as core.package.json).
 */
export async function corePath(): Promise<string> {
  const dir = join(REPO_DIR, 'node_modules', '.lablog-core-path');
  const meta = await readFile(join(REPO_DIR, 'node_modules', '@jupyterlab', 'core-meta', 'core.package.json'));
  const current = await readFile(join(dir, 'package.json')).catch(() => undefined);
  if (!current?.equals(meta)) {
    await mkdir(dir, { recursive: true });
    // written aside then renamed: a concurrent reader never sees half a file
    const tmp = join(dir, `package.json.${process.pid}`);
    await writeFile(tmp, meta);
    await rename(tmp, join(dir, 'package.json'));
  }
  return dir;
}

/** Options of `buildLabExtension`. */
export interface BuildLabExtensionOptions {
  /** Unminified build with source maps (faster). Default false: a production build, as shipped. */
  development?: boolean;
  /** Milliseconds before the build is abandoned (default 5 min). */
  timeoutMs?: number;
}

/**
 * Builds an extension folder (a package.json with `jupyterlab.extension` and `outputDir`, its
 * JS already compiled) into a prebuilt labextension with @jupyterlab/builder's
 * `build-labextension` against JupyterLab's core metadata.
 * @returns the labextension folder (`package.json` with `jupyterlab._build`, `static/`)
 */
export async function buildLabExtension(extensionDir: string, opts: BuildLabExtensionOptions = {}): Promise<string> {
  const dir = resolve(extensionDir);
  const core = await corePath();
  const cli = join(REPO_DIR, 'node_modules', '@jupyterlab', 'builder', 'lib', 'build-labextension.js');
  const args = [cli, '--core-path', core, ...(opts.development ? ['--development'] : []), dir];
  await runNode(args, dir, opts.timeoutMs ?? 5 * 60_000);
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { jupyterlab?: { outputDir?: string } };
  return resolve(dir, pkg.jupyterlab?.outputDir ?? '.');
}

/**
 * Copies a built labextension into `<jupyterDir>/labextensions/<its package name>/`, where
 * JupyterLab looks for prebuilt extensions when `jupyterDir` is one of its Jupyter paths.
 * @returns `jupyterDir`, to pass in `startJupyterLab({ jupyterPath: [...] })`
 */
export async function installLabExtension(labextensionDir: string, jupyterDir: string): Promise<string> {
  const { name } = JSON.parse(await readFile(join(labextensionDir, 'package.json'), 'utf8')) as { name: string };
  const target = join(jupyterDir, 'labextensions', ...name.split('/'));
  await rm(target, { recursive: true, force: true });
  await cp(labextensionDir, target, { recursive: true });
  return jupyterDir;
}
