/**
 * The extension's settings (schema in extension/schema/plugin.json, edited in JupyterLab's
 * settings editor), read into one plain object.
 */
import type { ISettingRegistry } from '@jupyterlab/settingregistry';

/** What the extension captures for notebook-linked runs. */
export interface CaptureSettings {
  snapshots: boolean;
  executionLog: boolean;
  environment: boolean;
  /** Images cells display while a run is active, as the run's `figures/`. */
  figures: boolean;
  /** Console text of the cells run while a run is active, as the run's `logs/console.log`. */
  logs: boolean;
}

/** The extension's settings. */
export interface LablogSettings {
  /** The agent's URL; empty (the default): through the Jupyter server, under `<base_url>lablog/`. */
  agentUrl: string;
  token: string;
  autoAttach: boolean;
  capture: CaptureSettings;
}

/** Defaults, as in the schema; used before the registry answers or when it fails. */
export const DEFAULT_SETTINGS: LablogSettings = {
  agentUrl: '',
  token: '',
  autoAttach: true,
  capture: { snapshots: true, executionLog: true, environment: true, figures: true, logs: true },
};

/** Reads the composite (defaults + user) settings. */
export function readSettings(s: ISettingRegistry.ISettings): LablogSettings {
  const c = s.composite as Partial<LablogSettings>;
  const url = typeof c.agentUrl === 'string' ? c.agentUrl.trim().replace(/\/+$/, '') : DEFAULT_SETTINGS.agentUrl;
  return {
    agentUrl: url,
    token: typeof c.token === 'string' ? c.token : '',
    autoAttach: c.autoAttach !== false,
    capture: { ...DEFAULT_SETTINGS.capture, ...(c.capture ?? {}) },
  };
}
