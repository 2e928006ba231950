/**
 * Calls of the notebook-session endpoints for tests, as the JupyterLab extension makes them,
 * and a small nbformat 4 notebook to snapshot.
 */
import type { CellExecution, LogCellOutputs, LogCellOutputsReply, RegisterSession } from '@lablog/schema';

/** A JSON reply: status and parsed body. */
export interface JsonReply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** Sends `method` to `${base}${path}` with `body` as JSON (when given). */
export async function sendJson<T = Record<string, unknown>>(base: string, method: string, path: string, body?: unknown): Promise<JsonReply<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** The session endpoint path of `id` (plus `sub`). */
export function sessionPath(id: string, sub = ''): string {
  return `/api/2.0/lablog/sessions/${id}${sub}`;
}

/** What a Python kernel's extension registers. */
export const PYTHON_SESSION: RegisterSession = {
  notebook_path: 'work/train.ipynb',
  kernel: { name: 'python3', language: 'python', language_version: '3.11.4', implementation: 'cpython', implementation_version: '3.11.4' },
  python: { version: '3.11.4', platform: 'Linux-6.1-x86_64', hostname: 'lab-host', libraries: { numpy: '1.26.4', 'scikit-learn': '1.4.2' } },
  git: { commit: '0123456789abcdef0123456789abcdef01234567', branch: 'main', remote: 'https://example.org/team/models.git', dirty: true },
  packages: ['numpy==1.26.4', 'scikit-learn==1.4.2'],
};

/** Registers session `id`; throws unless the agent accepts it. */
export async function registerSession(base: string, id: string, info: RegisterSession = PYTHON_SESSION): Promise<{ session_id: string; tracking_uri: string }> {
  const r = await sendJson<{ session_id: string; tracking_uri: string }>(base, 'PUT', sessionPath(id), info);
  if (r.status !== 200) throw new Error(`register ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** An nbformat 4 notebook whose one code cell has `source` (and `output` as its stream output, when given). */
export function notebook(source: string, output?: string): Record<string, unknown> {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: [
      {
        cell_type: 'code',
        id: 'c1',
        execution_count: output === undefined ? null : 1,
        metadata: {},
        source,
        outputs: output === undefined ? [] : [{ output_type: 'stream', name: 'stdout', text: output }],
      },
    ],
  };
}

/** Sends a snapshot of session `id`; throws unless accepted. */
export async function putNotebook(base: string, id: string, nb: Record<string, unknown>): Promise<void> {
  const r = await sendJson(base, 'PUT', sessionPath(id, '/notebook'), nb);
  if (r.status !== 200) throw new Error(`notebook ${id}: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Reports executed cells of session `id`; returns the runs whose log got one. */
export async function postExecutions(base: string, id: string, cells: CellExecution[]): Promise<string[]> {
  const r = await sendJson<{ run_ids: string[] }>(base, 'POST', sessionPath(id, '/executions'), { cells });
  if (r.status !== 200) throw new Error(`executions ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.run_ids;
}

/** A run's artifact file as text, downloaded as the UI does (`/get-artifact`); null when absent. */
export async function artifactText(base: string, runId: string, path: string): Promise<string | null> {
  const res = await fetch(`${base}/get-artifact?${new URLSearchParams({ run_uuid: runId, path })}`);
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`get-artifact ${path}: ${res.status} ${await res.text()}`);
  return res.text();
}

/** Reports a finished cell's outputs for session `id`; throws unless accepted. */
export async function postOutputs(base: string, id: string, cell: LogCellOutputs): Promise<LogCellOutputsReply> {
  const r = await sendJson<LogCellOutputsReply>(base, 'POST', sessionPath(id, '/outputs'), cell);
  if (r.status !== 200) throw new Error(`outputs ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A run's artifact file as bytes (`/get-artifact`); null when absent. */
export async function artifactBytes(base: string, runId: string, path: string): Promise<Buffer | null> {
  const res = await fetch(`${base}/get-artifact?${new URLSearchParams({ run_uuid: runId, path })}`);
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`get-artifact ${path}: ${res.status} ${await res.text()}`);
  return Buffer.from(await res.arrayBuffer());
}
