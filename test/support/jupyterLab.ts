/**
 * A real JupyterLab 4 for tests: Debian's jupyter_server + jupyterlab_server + ipykernel
 * serving the npm-built host app of test/jupyterlab/, with prebuilt (federated) extensions
 * loaded from `<dir>/labextensions/<name>/` of the Jupyter paths exactly as a user's
 * JupyterLab loads them. See ../shared/JUPYTERLAB.md for why each piece is what it is.
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

/** The host app project (its package.json, build.js, server.py). */
export const HOST_DIR = findHostDir(import.meta.dirname);

/** test/jupyterlab, found from wherever this file was compiled to (test/dist or bench/dist). */
function findHostDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'jupyterlab');
    if (existsSync(join(candidate, 'build.js'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`test/jupyterlab not found above ${from}`);
  }
}

/** Debian's interpreter: the `python3` first on PATH may be another one that lacks Jupyter. */
export const PYTHON = process.env.LABLOG_JUPYTER_PYTHON ?? '/usr/bin/python3';

/** A running test JupyterLab. */
export interface StartedJupyterLab {
  /** Server base URL, `http://127.0.0.1:PORT` (JupyterLab itself is at `${url}/lab`). */
  url: string;
  /** The folder the server serves notebooks from. */
  notebookDir: string;
  /** The server's private Jupyter data folder (`JUPYTER_DATA_DIR`, also a Jupyter path). */
  dataDir: string;
  /**
   * The server's private Jupyter config folder (`JUPYTER_CONFIG_DIR`): e.g. write
   * `labconfig/page_config.json` there before opening the page to disable an extension.
   */
  configDir: string;
  /** Everything the server printed so far (its log). */
  log(): string;
  /** Stops the server and its kernels, removes its temporary folders. Idempotent. */
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
  /**
   * User settings to start with, by plugin id, e.g. `{ '@lablog/jupyterlab:plugin': { agentUrl } }`
   * (written as `<user settings>/<package>/<plugin>.jupyterlab-settings`, as the settings editor saves them).
   */
  settings?: Record<string, Record<string, unknown>>;
}

let hostReady: Promise<void> | undefined;
let installReady: Promise<void> | undefined;

/**
 * Installs and builds the host app unless its cached build is current (test/jupyterlab/build.js;
 * the first time ≈ 1 min, afterwards instant). Once per process; build.js locks across processes.
 */
export function ensureHost(): Promise<void> {
  hostReady ??= runNode([join(HOST_DIR, 'build.js')], HOST_DIR, 15 * 60_000);
  return hostReady;
}

/** Installs the host project's dependencies (builder, core metadata) if needed, without building. */
function ensureHostInstalled(): Promise<void> {
  installReady ??= runNode([join(HOST_DIR, 'build.js'), '--install-only'], HOST_DIR, 10 * 60_000);
  return installReady;
}

// Servers still running when this process exits are killed with their kernels.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/**
 * Starts JupyterLab on 127.0.0.1 with an empty token and private config, data, runtime and
 * IPython folders; builds the host app first if needed. Call `close()` when done.
 * @throws if the server exits before answering or does not answer within 60 s (with its log)
 */
export async function startJupyterLab(opts: JupyterLabOptions = {}): Promise<StartedJupyterLab> {
  await ensureHost();
  const root = await mkdtemp(join(tmpdir(), 'lablog-jupyterlab-'));
  const dirs = {
    config: join(root, 'config'),
    data: join(root, 'data'),
    runtime: join(root, 'runtime'),
    ipython: join(root, 'ipython'),
    state: join(root, 'state'),
  };
  await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
  for (const [id, values] of Object.entries(opts.settings ?? {})) {
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
    ...opts.env,
    JUPYTER_PATH: jupyterPath.join(':'),
    JUPYTER_CONFIG_DIR: dirs.config,
    JUPYTER_DATA_DIR: dirs.data,
    JUPYTER_RUNTIME_DIR: dirs.runtime,
    IPYTHONDIR: dirs.ipython,
    PYTHONUNBUFFERED: '1',
  };

  // A port picked free can be taken before the server binds it: then try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = [
      join(HOST_DIR, 'server.py'),
      '--ip=127.0.0.1',
      `--port=${port}`,
      '--port-retries=0',
      '--no-browser',
      '--allow-root',
      '--ServerApp.token=',
      '--ServerApp.password=',
      '--ServerApp.terminals_enabled=False',
      `--ServerApp.root_dir=${notebookDir}`,
      `--LablogLabApp.state_dir=${dirs.state}`,
    ];
    // own process group: the kernels it starts are stopped with it
    const child = spawn(PYTHON, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<string>((res) => child.on('exit', (code, signal) => res(String(code ?? signal))));
    exited.then(() => running.delete(child));
    const url = `http://127.0.0.1:${port}`;
    const up = await waitUntilUp(url, exited, 60_000);
    if (up === 'up') {
      let closing: Promise<void> | undefined;
      return {
        url,
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
async function waitUntilUp(url: string, exited: Promise<string>, timeoutMs: number): Promise<'up' | 'exited' | 'timeout'> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) return 'exited';
    try {
      const res = await fetch(`${url}/api/status`);
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
  // a kernel that outlived the server would otherwise keep running
  killGroup(child, 'SIGKILL');
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
  await ensureHostInstalled();
  const dir = join(HOST_DIR, 'node_modules', '.lablog-core-path');
  const meta = await readFile(join(HOST_DIR, 'node_modules', '@jupyterlab', 'core-meta', 'core.package.json'));
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
  const cli = join(HOST_DIR, 'node_modules', '@jupyterlab', 'builder', 'lib', 'build-labextension.js');
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
