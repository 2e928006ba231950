// Bundles the standalone page (extension/src/page) into agent/page/, where the agent serves
// it at `/`: index.html, one script and one stylesheet with content hashes in their names.
import { build } from 'esbuild';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const out = here('../../agent/page/');
const dev = process.argv.includes('--dev');

// The client reaches Node-only modules (its file spool, artifact files) through dynamic imports
// that never run in a browser: leave them as they are instead of bundling node: modules.
const nodeOnly = {
  name: 'node-only',
  setup(b) {
    b.onResolve({ filter: /^(node:|\.\/node\/)/ }, (args) => ({ path: args.path, external: true }));
  },
};

await rm(out, { recursive: true, force: true });
await mkdir(`${out}static`, { recursive: true });
const result = await build({
  entryPoints: { app: here('../src/page/main.ts') },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outdir: `${out}static`,
  entryNames: '[name]-[hash]',
  minify: !dev,
  sourcemap: true,
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
  plugins: [nodeOnly],
});
const files = Object.keys(result.metafile.outputs).map((f) => f.split('/').pop());
const js = files.find((f) => /^app-.*\.js$/.test(f));
const css = files.find((f) => /^app-.*\.css$/.test(f));
if (!js || !css) throw new Error(`page build: missing outputs in ${files.join(', ')}`);
const html = (await readFile(here('../src/page/index.html'), 'utf8')).replace('%APP_JS%', `static/${js}`).replace('%APP_CSS%', `static/${css}`);
await writeFile(`${out}index.html`, html);
const size = (await readdir(`${out}static`)).length;
console.log(`page: agent/page/ (${size} files, ${js}, ${css})`);
