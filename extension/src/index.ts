/**
 * lablog's JupyterLab 4 extension.
 *
 * - A run panel in the right sidebar (RunPanel): the agent's connection, the runs of the active
 *   notebook then the rest of its experiment, live; runs open in place; picked runs compare.
 *   Opened from its sidebar tab, the command palette ("lablog: Open run panel") or the
 *   notebook toolbar's lablog button.
 * - Notebook-linked runs with no user code (NotebookLink): when a notebook's kernel starts or
 *   restarts, the session is registered with the agent and the kernel's tracking URI is set to
 *   `<agent>/nb/<session>`; the notebook's snapshots and the cells it executes go to the agent.
 * - An inline live chart (RunRenderer) for `application/vnd.lablog.run+json` outputs.
 * - Settings (extension/schema/plugin.json): agent URL, token, auto-attach, what to capture.
 *
 * Everything reaches the agent through lablog's client (`@lablog/client`): by default through
 * the Jupyter server (`<base_url>lablog/`, jupyterConnection), or at the agent URL the settings give.
 */
import { ILabShell, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, IThemeManager, ToolbarButton } from '@jupyterlab/apputils';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Lablog } from '@lablog/client';
import type { ViewerContext } from './widgets/context.js';
import { lablogIcon } from './jupyterlab/icon.js';
import { jupyterClientOptions } from './jupyterlab/jupyterConnection.js';
import { NotebookLink } from './jupyterlab/NotebookLink.js';
import { RunPanel } from './jupyterlab/RunPanel.js';
import { runRendererFactory } from './jupyterlab/RunRenderer.js';
import { DEFAULT_SETTINGS, readSettings, type LablogSettings } from './jupyterlab/settings.js';
import { notifyThemeChanged } from './widgets/theme.js';

/** The plugin's id; also the id of its settings. */
export const PLUGIN_ID = '@lablog/jupyterlab:plugin';

const OPEN_PANEL = 'lablog:open-panel';

/** A client for the agent the settings name: through the Jupyter server unless an agent URL is set. */
function makeClient(s: LablogSettings): Lablog {
  const where = s.agentUrl ? { url: s.agentUrl } : jupyterClientOptions();
  return new Lablog({ ...where, ...(s.token ? { token: s.token } : {}), spoolDir: false, onError: null, connectTimeoutMs: 2000 });
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'lablog: live run panel, notebook-linked runs, snapshots and kernel tags, inline run charts.',
  autoStart: true,
  optional: [ILabShell, INotebookTracker, ICommandPalette, IRenderMimeRegistry, ISettingRegistry, IThemeManager],
  activate: (
    app: JupyterFrontEnd,
    labShell: ILabShell | null,
    tracker: INotebookTracker | null,
    palette: ICommandPalette | null,
    rendermime: IRenderMimeRegistry | null,
    settingRegistry: ISettingRegistry | null,
    themes: IThemeManager | null,
  ) => {
    let settings = DEFAULT_SETTINGS;
    // made on first use, which waits for the settings: no call ever goes to a default agent by mistake
    let client: Lablog | null = null;
    const current = (): Lablog => (client ??= makeClient(settings));
    const base = (): Omit<ViewerContext, 'nav'> => {
      const lablog = current();
      return { lablog, query: lablog.query };
    };

    let settingsLoaded: () => void = () => {};
    const settingsRead = settingRegistry ? new Promise<void>((res) => (settingsLoaded = res)) : Promise.resolve();
    const panel = new RunPanel(base, settingsRead);
    panel.title.icon = lablogIcon;
    app.shell.add(panel, 'right', { rank: 650 });

    app.commands.addCommand(OPEN_PANEL, {
      label: 'lablog: Open run panel',
      caption: 'Show the runs of this notebook, live',
      icon: lablogIcon,
      execute: () => app.shell.activateById(panel.id),
    });
    palette?.addItem({ command: OPEN_PANEL, category: 'lablog' });

    // the inline chart needs the current client, which settings may replace
    const inlineCtx = (): ViewerContext => ({ ...base(), nav: panel.nav });
    rendermime?.addFactory(runRendererFactory(inlineCtx), 50);

    themes?.themeChanged.connect(() => notifyThemeChanged());

    const links = new Map<NotebookPanel, NotebookLink>();
    if (tracker) {
      app.docRegistry.addWidgetExtension('Notebook', {
        createNew: (nb: NotebookPanel) => {
          const button = new ToolbarButton({ icon: lablogIcon, tooltip: 'lablog: open the run panel', onClick: () => void app.commands.execute(OPEN_PANEL) });
          nb.toolbar.insertItem(10, 'lablog', button);
          return button;
        },
      });
      const follow = (): void => panel.setNotebook(tracker.currentWidget?.context.path ?? null);
      tracker.currentChanged.connect(follow);
      tracker.widgetAdded.connect((_, nb) => {
        const link = new NotebookLink(nb, () => ({ settings, lablog: current(), settingsRead }));
        links.set(nb, link);
        nb.context.pathChanged.connect(follow);
        nb.disposed.connect(() => {
          link.dispose();
          links.delete(nb);
        });
      });
      follow();
    }

    if (settingRegistry) {
      // read after activation, so settings never delay JupyterLab's start
      void settingRegistry
        .load(PLUGIN_ID)
        .then((s) => {
          const apply = (): void => {
            const next = readSettings(s);
            if (JSON.stringify(next) === JSON.stringify(settings)) return;
            const clientChanged = next.agentUrl !== settings.agentUrl || next.token !== settings.token;
            settings = next;
            if (clientChanged && client) {
              void client.close({ timeoutMs: 0 });
              client = null;
              panel.clientChanged();
            }
            for (const link of links.values()) link.settingsChanged();
          };
          s.changed.connect(apply);
          apply();
        })
        .catch((err: unknown) => console.warn('lablog: settings could not be loaded; using defaults', err))
        .finally(() => settingsLoaded());
    }
  },
};

export default [plugin];
