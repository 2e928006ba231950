/**
 * The core extensions the host bundles: JupyterLab 4's own list (core.package.json's
 * `jupyterlab.extensions` and `mimeExtensions`) minus those that need servers or services
 * this test setup doesn't have — the extension manager (PyPI listings), terminals
 * (terminado), the hub, the debugger — and the Vega renderer (large, unused).
 *
 * The import calls must be literal for webpack to bundle them; the package names (the keys)
 * are also read in Node by webpack.config.js to gather schemas, themes and styles.
 */

/** Extensions whose default export is a plugin or a list of plugins. */
export const extensions = {
  '@jupyterlab/application-extension': () => import('@jupyterlab/application-extension'),
  '@jupyterlab/apputils-extension': () => import('@jupyterlab/apputils-extension'),
  '@jupyterlab/audio-extension': () => import('@jupyterlab/audio-extension'),
  '@jupyterlab/cell-toolbar-extension': () => import('@jupyterlab/cell-toolbar-extension'),
  '@jupyterlab/celltags-extension': () => import('@jupyterlab/celltags-extension'),
  '@jupyterlab/codemirror-extension': () => import('@jupyterlab/codemirror-extension'),
  '@jupyterlab/completer-extension': () => import('@jupyterlab/completer-extension'),
  '@jupyterlab/console-extension': () => import('@jupyterlab/console-extension'),
  '@jupyterlab/csvviewer-extension': () => import('@jupyterlab/csvviewer-extension'),
  '@jupyterlab/docmanager-extension': () => import('@jupyterlab/docmanager-extension'),
  '@jupyterlab/documentsearch-extension': () => import('@jupyterlab/documentsearch-extension'),
  '@jupyterlab/filebrowser-extension': () => import('@jupyterlab/filebrowser-extension'),
  '@jupyterlab/fileeditor-extension': () => import('@jupyterlab/fileeditor-extension'),
  '@jupyterlab/help-extension': () => import('@jupyterlab/help-extension'),
  '@jupyterlab/htmlviewer-extension': () => import('@jupyterlab/htmlviewer-extension'),
  '@jupyterlab/imageviewer-extension': () => import('@jupyterlab/imageviewer-extension'),
  '@jupyterlab/inspector-extension': () => import('@jupyterlab/inspector-extension'),
  '@jupyterlab/launcher-extension': () => import('@jupyterlab/launcher-extension'),
  '@jupyterlab/logconsole-extension': () => import('@jupyterlab/logconsole-extension'),
  '@jupyterlab/lsp-extension': () => import('@jupyterlab/lsp-extension'),
  '@jupyterlab/mainmenu-extension': () => import('@jupyterlab/mainmenu-extension'),
  '@jupyterlab/markdownviewer-extension': () => import('@jupyterlab/markdownviewer-extension'),
  '@jupyterlab/markedparser-extension': () => import('@jupyterlab/markedparser-extension'),
  '@jupyterlab/mathjax-extension': () => import('@jupyterlab/mathjax-extension'),
  '@jupyterlab/mermaid-extension': () => import('@jupyterlab/mermaid-extension'),
  '@jupyterlab/metadataform-extension': () => import('@jupyterlab/metadataform-extension'),
  '@jupyterlab/notebook-extension': () => import('@jupyterlab/notebook-extension'),
  '@jupyterlab/pluginmanager-extension': () => import('@jupyterlab/pluginmanager-extension'),
  '@jupyterlab/rendermime-extension': () => import('@jupyterlab/rendermime-extension'),
  '@jupyterlab/running-extension': () => import('@jupyterlab/running-extension'),
  '@jupyterlab/services-extension': () => import('@jupyterlab/services-extension'),
  '@jupyterlab/settingeditor-extension': () => import('@jupyterlab/settingeditor-extension'),
  '@jupyterlab/shortcuts-extension': () => import('@jupyterlab/shortcuts-extension'),
  '@jupyterlab/statusbar-extension': () => import('@jupyterlab/statusbar-extension'),
  '@jupyterlab/theme-dark-extension': () => import('@jupyterlab/theme-dark-extension'),
  '@jupyterlab/theme-dark-high-contrast-extension': () => import('@jupyterlab/theme-dark-high-contrast-extension'),
  '@jupyterlab/theme-light-extension': () => import('@jupyterlab/theme-light-extension'),
  '@jupyterlab/toc-extension': () => import('@jupyterlab/toc-extension'),
  '@jupyterlab/tooltip-extension': () => import('@jupyterlab/tooltip-extension'),
  '@jupyterlab/translation-extension': () => import('@jupyterlab/translation-extension'),
  '@jupyterlab/ui-components-extension': () => import('@jupyterlab/ui-components-extension'),
  '@jupyterlab/video-extension': () => import('@jupyterlab/video-extension'),
  '@jupyterlab/workspaces-extension': () => import('@jupyterlab/workspaces-extension'),
};

/** MIME renderer extensions (rendermime plugins, passed to JupyterLab separately). */
export const mimeExtensions = {
  '@jupyterlab/javascript-extension': () => import('@jupyterlab/javascript-extension'),
  '@jupyterlab/json-extension': () => import('@jupyterlab/json-extension'),
  // this package's main export is a plugin; its renderer is a separate module
  '@jupyterlab/mermaid-extension': () => import('@jupyterlab/mermaid-extension/lib/mime.js'),
  '@jupyterlab/pdf-extension': () => import('@jupyterlab/pdf-extension'),
};
