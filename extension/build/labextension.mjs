// Builds the prebuilt (federated) JupyterLab extension into agent/labextension/ with
// @jupyterlab/builder's build-labextension, against JupyterLab's core metadata
// (@jupyterlab/core-meta ships it as core.package.json; the builder wants it as package.json),
// and ships the top-level install.json with it. Skipped when the output is newer than every
// input (the compiled lib/, style/, schema/, package.json), so `npm start` stays quick.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ext = fileURLToPath(new URL('..', import.meta.url));
const out = join(ext, '..', 'agent', 'labextension');
const installJson = join(ext, '..', 'install.json');
const dev = process.argv.includes('--dev');
const force = process.argv.includes('--force');

async function newest(path) {
  const s = await stat(path).catch(() => null);
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const e of await readdir(path)) m = Math.max(m, await newest(join(path, e)));
  return m;
}

const inputs = Math.max(...(await Promise.all(['lib', 'style', 'schema', 'package.json'].map((p) => newest(join(ext, p))))), await newest(installJson));
const built = (await stat(join(out, 'install.json')).catch(() => null))?.mtimeMs ?? 0;
if (!force && built > inputs) {
  console.log('labextension: agent/labextension/ is up to date');
} else {
  const core = await mkdtemp(join(tmpdir(), 'lablog-core-'));
  try {
    await copyFile(require.resolve('@jupyterlab/core-meta/core.package.json'), join(core, 'package.json'));
    const cli = require.resolve('@jupyterlab/builder/lib/build-labextension.js');
    const t0 = Date.now();
    execFileSync(process.execPath, [cli, ...(dev ? ['--development'] : []), '--core-path', core, ext], { stdio: ['ignore', 'ignore', 'inherit'] });
    await copyFile(installJson, join(out, 'install.json'));
    console.log(`labextension: agent/labextension/ (${Date.now() - t0} ms)`);
  } finally {
    await rm(core, { recursive: true, force: true });
  }
}
