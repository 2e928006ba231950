#!/usr/bin/env node
/**
 * Installs and builds the JupyterLab host app, unless the build in ./build is current.
 *
 *   node test/jupyterlab/build.js [--force] [--production] [--check | --install-only]
 *
 * The build is keyed on what decides its content: the host's package-lock.json, webpack
 * config, bootstrap sources, this script and JupyterLab's core metadata. ./build/stamp.json
 * holds the key; a build goes to a temporary folder renamed into place only when complete,
 * and a lock folder makes concurrent callers (test files run in parallel) wait for one build.
 * Dependencies are (re)installed with `npm ci` when package-lock.json changed since the last
 * install this script did. `--check` only reports: exit 0 if current, 1 if not.
 * `--install-only` stops after installing (build-labextension needs only the dependencies).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HERE = import.meta.dirname;
const BUILD = join(HERE, 'build');
const LOCK = join(HERE, 'build.lock');
const INSTALL_STAMP = join(HERE, 'node_modules', '.lablog-install-stamp');
const BUILD_STAMP = join(BUILD, 'stamp.json');

const args = new Set(process.argv.slice(2));
const mode = args.has('--production') ? 'production' : 'development';

/** SHA-256 of files' contents, in the given order, with their names. */
function hashFiles(paths) {
  const hash = createHash('sha256');
  for (const path of paths) hash.update(`${path}\0`).update(readFileSync(join(HERE, path))).update('\0');
  return hash.digest('hex');
}

const lockHash = () => hashFiles(['package-lock.json']);

function installed() {
  return existsSync(INSTALL_STAMP) && readFileSync(INSTALL_STAMP, 'utf8') === lockHash();
}

function buildKey() {
  const sources = readdirSync(join(HERE, 'bootstrap')).sort().map((f) => `bootstrap/${f}`);
  const files = ['package-lock.json', 'webpack.config.js', 'build.js', ...sources, 'node_modules/@jupyterlab/core-meta/core.package.json'];
  return `${mode}:${hashFiles(files)}`;
}

function built() {
  if (!installed() || !existsSync(BUILD_STAMP)) return false;
  return JSON.parse(readFileSync(BUILD_STAMP, 'utf8')).key === buildKey();
}

/** Takes the lock folder, waiting while another live process holds it. */
async function lock() {
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    } catch {
      // the owner is between mkdir and writing its pid, or just released the lock
    }
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
      rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function install() {
  console.error('[jupyterlab host] npm ci …');
  const t0 = Date.now();
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: HERE, stdio: 'inherit' });
  if (res.status !== 0) throw new Error(`npm ci in ${HERE} failed (${res.status ?? res.signal})`);
  writeFileSync(INSTALL_STAMP, lockHash());
  console.error(`[jupyterlab host] installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function build() {
  const t0 = Date.now();
  const tmp = `${BUILD}.tmp-${process.pid}`;
  // left by builds that were killed (we hold the lock: no other build is running)
  for (const name of readdirSync(HERE)) if (name.startsWith('build.tmp-')) rmSync(join(HERE, name), { recursive: true, force: true });
  const { hostConfigs } = await import('./webpack.config.js');
  const { createRequire } = await import('node:module');
  const webpack = createRequire(createRequire(import.meta.url).resolve('@jupyterlab/builder'))('webpack');
  const stats = await new Promise((resolve, reject) => {
    const compiler = webpack(hostConfigs({ buildDir: tmp, mode }));
    compiler.run((err, result) => compiler.close((closeErr) => (err || closeErr ? reject(err ?? closeErr) : resolve(result))));
  });
  if (stats.hasErrors()) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(stats.toString('errors-only'));
  }
  if (stats.hasWarnings()) console.error(stats.toString('errors-warnings'));
  writeFileSync(join(tmp, 'stamp.json'), JSON.stringify({ key: buildKey(), builtAt: new Date().toISOString() }) + '\n');
  rmSync(BUILD, { recursive: true, force: true });
  renameSync(tmp, BUILD);
  console.error(`[jupyterlab host] ${mode} build in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${BUILD}`);
}

if (args.has('--check')) {
  process.exit(built() ? 0 : 1);
}
if (args.has('--install-only')) {
  if (!installed()) {
    await lock();
    try {
      if (!installed()) install();
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
} else if (args.has('--force') || !built()) {
  await lock();
  try {
    if (!installed()) install();
    // another process may have built it while we waited for the lock
    if (args.has('--force') || !built()) await build();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
