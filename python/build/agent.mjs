// Bundles the agent (agent/dist/cli.js and everything it imports) into one ES module for the
// Python package, beside a copy of the standalone page: python/jupyterlab_lablog/agent/lib/
// lablog.mjs and python/jupyterlab_lablog/page/ (the page sits where agent/src/http/page.ts
// looks for it, two folders up from the module). Run by `npm run build:python` after `npm run build`.
import { build } from 'esbuild';
import { cp, mkdir, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const pkg = here('../jupyterlab_lablog/');
const t0 = Date.now();
await rm(`${pkg}agent`, { recursive: true, force: true });
await rm(`${pkg}page`, { recursive: true, force: true });
await mkdir(`${pkg}agent/lib`, { recursive: true });
await build({
  entryPoints: [here('../../agent/dist/cli.js')],
  outfile: `${pkg}agent/lib/lablog.mjs`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
  // CommonJS dependencies (fastify's) call require() for Node's own modules
  banner: { js: "import { createRequire as __lablogRequire } from 'node:module'; const require = __lablogRequire(import.meta.url);" },
});
await cp(here('../../agent/page/'), `${pkg}page/`, { recursive: true });
const size = (await stat(`${pkg}agent/lib/lablog.mjs`)).size;
console.log(`agent bundle: python/jupyterlab_lablog/agent/lib/lablog.mjs (${(size / 1e6).toFixed(1)} MB, ${Date.now() - t0} ms) + page/`);
