/**
 * How the extension reaches the agent by default: through the Jupyter server that serves
 * JupyterLab, where jupyterlab-lablog's jupyter-server-proxy entry point mounts it under
 * `<base_url>lablog/`. Only Jupyter's port needs to be reachable (an SSH tunnel, a JupyterHub
 * single-user server under `/user/<name>/`, a cloud notebook), and every request passes
 * Jupyter's own authentication: its token and XSRF cookie, as `ServerConnection.makeRequest`
 * sends them.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { LablogOptions } from '@lablog/client';

/** Where the Jupyter server proxies the agent, under its base URL. */
export const PROXY_PATH = 'lablog';

/** The last value of a cookie (tornado reads the last of duplicates, as JupyterLab does). */
function cookie(name: string): string | undefined {
  let value: string | undefined;
  for (const part of (typeof document === 'undefined' ? '' : document.cookie).split(';')) {
    const p = part.trim();
    if (p.startsWith(`${name}=`)) value = decodeURIComponent(p.slice(name.length + 1));
  }
  return value;
}

/**
 * The client options (URL, headers, live channel URL) that reach the agent through the Jupyter
 * server, from JupyterLab's own connection settings.
 */
export function jupyterClientOptions(settings: ServerConnection.ISettings = ServerConnection.makeSettings()): Pick<LablogOptions, 'url' | 'headers' | 'wsUrl'> {
  const url = URLExt.join(settings.baseUrl, PROXY_PATH);
  const ws = URLExt.join(settings.wsUrl, PROXY_PATH, 'ws');
  const token = settings.token;
  return {
    url,
    // browsers send no headers with a WebSocket: Jupyter's token goes in the query when JupyterLab
    // sends it that way to its kernels too; otherwise the login cookie is enough
    wsUrl: token && settings.appendToken ? `${ws}?token=${encodeURIComponent(token)}` : ws,
    headers: () => {
      const h: Record<string, string> = {};
      if (token) h.Authorization = `token ${token}`;
      const xsrf = cookie('_xsrf');
      if (xsrf !== undefined) h['X-XSRFToken'] = xsrf;
      return h;
    },
  };
}
