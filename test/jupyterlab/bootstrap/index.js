/**
 * Entry of the host app. Follows JupyterLab's federation contract: every prebuilt extension
 * the server lists in `page_config.federated_extensions` is loaded (its `remoteEntry` script
 * defines the module container `window._JUPYTERLAB[<name>]`) and joined to the `default`
 * share scope BEFORE anything shared is imported, so each shared package resolves to one copy
 * (ours, or an extension's newer compatible one). Then ./main.js starts JupyterLab.
 *
 * Nothing shared may be imported statically here: this chunk runs before the share scope
 * exists, so the page config is read by hand instead of through @jupyterlab/coreutils.
 */

const pageConfig = readPageConfig();

// Chunks and assets load from the server's static URL for this app.
// eslint-disable-next-line no-undef
__webpack_public_path__ = `${pageConfig.fullStaticUrl}/`;

/** The `jupyter-config-data` JSON the server rendered into the page. */
function readPageConfig() {
  const el = document.getElementById('jupyter-config-data');
  return el ? JSON.parse(el.textContent || '{}') : {};
}

/** Adds a script tag; settles when it ran or failed to load. */
function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${url}`));
    script.src = url;
    document.head.appendChild(script);
  });
}

/** Loads one prebuilt extension's container and initialises it with the shared scope. */
async function joinExtension(ext, labextensionsUrl) {
  await loadScript(`${labextensionsUrl}/${ext.name}/${ext.load}`);
  const container = window._JUPYTERLAB?.[ext.name];
  if (!container) throw new Error(`${ext.name}: ${ext.load} defined no module container`);
  // eslint-disable-next-line no-undef
  await container.init(__webpack_share_scopes__.default);
}

/** Resolves once the window's load event has fired (JupyterLab attaches to a complete page). */
function pageLoaded() {
  if (document.readyState === 'complete') return Promise.resolve();
  return new Promise((resolve) => window.addEventListener('load', () => resolve(), { once: true }));
}

async function boot() {
  // register our own shared modules first; containers then add theirs
  // eslint-disable-next-line no-undef
  await __webpack_init_sharing__('default');
  const listed = pageConfig.federated_extensions ?? [];
  const results = await Promise.allSettled(listed.map((ext) => joinExtension(ext, pageConfig.fullLabextensionsUrl)));
  const joined = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') joined.push(listed[i]);
    else console.error(`Failed to load the prebuilt extension ${listed[i].name}:`, result.reason);
  });
  const { main } = await import('./main.js');
  await pageLoaded();
  await main(joined);
}

void boot();
