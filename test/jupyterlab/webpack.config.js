/**
 * Webpack configuration of the host app (used by build.js through webpack's Node API).
 *
 * - The app: bootstrap/index.js and the core extensions of bootstrap/extensions.js, with the
 *   module rules of @jupyterlab/builder (the same loaders prebuilt extensions are built with).
 * - Module federation: every package of JupyterLab's core metadata (`resolutions` of
 *   core.package.json) is offered in the `default` share scope, singletons as it lists them.
 *   Prebuilt extensions are built against that metadata with those packages `import: false`,
 *   i.e. they expect this app to provide them.
 * - Build.ensureAssets gathers the extensions' settings schemas and builds the themes into
 *   the folders the Python server (server.py) serves, and writes the style imports module.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { extensions, mimeExtensions } from './bootstrap/extensions.js';

const require = createRequire(import.meta.url);
// webpack and its loaders are @jupyterlab/builder's own, so resolve them from there
const builderRequire = createRequire(require.resolve('@jupyterlab/builder'));

/** JupyterLab's core metadata: the packages and versions prebuilt extensions are built against. */
export const CORE_METADATA = require.resolve('@jupyterlab/core-meta/core.package.json');

/** The Python server serves these subfolders of the build folder. */
export const LAYOUT = { static: 'static', schemas: 'schemas', themes: 'themes', generated: 'generated' };

/**
 * The webpack configurations: the app, then one per theme.
 * @param opts.buildDir output folder (emptied by the caller)
 * @param opts.mode 'development' (unminified, ~15 s) or 'production'
 */
export function hostConfigs({ buildDir, mode = 'development' }) {
  const webpack = builderRequire('webpack');
  const { Build } = require('@jupyterlab/builder');
  const base = require('@jupyterlab/builder/lib/webpack.config.base.js');
  const core = require(CORE_METADATA);

  const generated = join(buildDir, LAYOUT.generated);
  mkdirSync(generated, { recursive: true });
  const themeConfigs = Build.ensureAssets({
    packageNames: [...new Set([...Object.keys(extensions), ...Object.keys(mimeExtensions)])],
    output: generated,
    schemaOutput: buildDir,
    themeOutput: buildDir,
  });

  const shared = {};
  for (const [name, requiredVersion] of Object.entries(core.resolutions)) shared[name] = { requiredVersion };
  for (const name of core.jupyterlab.singletonPackages) shared[name] = { ...shared[name], singleton: true };

  const app = {
    mode,
    devtool: false,
    bail: true,
    context: import.meta.dirname,
    entry: { main: './bootstrap/index.js' },
    output: {
      path: join(buildDir, LAYOUT.static),
      // the template names the entry; chunks carry their hash
      filename: '[name].js',
      chunkFilename: '[name].[contenthash].js',
      // set at run time from the page config (bootstrap/index.js)
      publicPath: '',
      hashFunction: 'sha256',
    },
    module: base.module,
    resolve: {
      ...base.resolve,
      alias: { 'lablog-host-style$': join(generated, 'style.js') },
    },
    plugins: [
      ...base.plugins,
      new webpack.container.ModuleFederationPlugin({
        name: 'lablog_jupyterlab_host',
        library: { type: 'var', name: ['_JUPYTERLAB', 'CORE_LIBRARY_FEDERATION'] },
        shared,
      }),
    ],
    performance: { hints: false },
    stats: 'errors-warnings',
  };
  return [app, ...themeConfigs.map((config) => ({ ...config, stats: 'errors-warnings' }))];
}
