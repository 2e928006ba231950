/**
 * The agent's notebook-session endpoints, as lablog's JupyterLab extension calls them: register
 * a kernel's session (and get the tracking URI to set in the kernel), send the notebook as it
 * is in the editor, and report executed cells. Every method rejects with a `RequestError`
 * carrying the agent's MLflow error code.
 *
 * ```ts
 * const { tracking_uri } = await lablog.sessions.register(sessionId, { notebook_path, kernel });
 * await lablog.sessions.putNotebook(sessionId, notebookJson);
 * await lablog.sessions.logExecutions(sessionId, [{ execution_count: 1, source, started, ended, status: 'ok' }]);
 * ```
 */
import { AGENT_INFO_PATH, type AgentInfo, type CellExecution, type LogCellOutputs, type LogCellOutputsReply, type LogExecutionsReply, type NotebookSession, type NotebookSnapshot, type RegisterSession, type RegisterSessionReply } from '@lablog/schema';
import type { RestClient } from './RestClient.js';

const SESSIONS = '/api/2.0/lablog/sessions';

/** Calls of the session endpoints, made by `Lablog.sessions`. */
export class NotebookSessions {
  /** @internal */
  constructor(private readonly rest: RestClient) {}

  private path(sessionId: string, sub = ''): string {
    return `${SESSIONS}/${encodeURIComponent(sessionId)}${sub}`;
  }

  /**
   * Registers session `sessionId` (letters, digits, `_`, `-`; at most 64), or replaces what the
   * agent knows of it (a renamed notebook, a restarted kernel).
   * @returns the tracking URI to set in the kernel, `http://<agent>/nb/<sessionId>`
   */
  register(sessionId: string, info: RegisterSession): Promise<RegisterSessionReply> {
    return this.rest.request<RegisterSessionReply>(this.path(sessionId), info, 'PUT');
  }

  /** The agent's own URL and version: where kernels on its machine reach it, when this client goes through a proxy. */
  agentInfo(): Promise<AgentInfo> {
    return this.rest.request<AgentInfo>(AGENT_INFO_PATH, null, 'GET');
  }

  /** The session and the ids of the runs created under it. Rejects with RESOURCE_DOES_NOT_EXIST for an unknown session. */
  get(sessionId: string): Promise<NotebookSession> {
    return this.rest.request<NotebookSession>(this.path(sessionId), null, 'GET');
  }

  /**
   * Sends the notebook as it is in the editor (nbformat 4 JSON, as an object or as text): it
   * becomes the start snapshot of runs waiting for one, and the final end snapshot of runs
   * that just ended.
   */
  async putNotebook(sessionId: string, notebook: NotebookSnapshot | string): Promise<void> {
    await this.rest.request<unknown>(this.path(sessionId, '/notebook'), notebook, 'PUT');
  }

  /**
   * Reports cells that finished running; each goes into the execution log of the session's
   * runs that were active while it ran.
   * @returns the runs whose log got at least one cell
   */
  async logExecutions(sessionId: string, cells: CellExecution[]): Promise<string[]> {
    const res = await this.rest.request<LogExecutionsReply>(this.path(sessionId, '/executions'), { cells }, 'POST');
    return res.run_ids;
  }

  /**
   * Reports what a finished cell displayed: its images become `figures/cell-<n>-<k>.<ext>` and its
   * console text is appended to `logs/console.log`, in each of the session's runs active while it ran.
   * @returns those runs, and the artifact paths written in each
   */
  logOutputs(sessionId: string, cell: LogCellOutputs): Promise<LogCellOutputsReply> {
    return this.rest.request<LogCellOutputsReply>(this.path(sessionId, '/outputs'), cell, 'POST');
  }
}
