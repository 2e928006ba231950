/**
 * Requests as a user of a team server with users: Basic credentials, and the admin's calls that
 * make users and grant permissions.
 */
import type { StartedAgent } from '../support/startAgent.js';

/** The first admin's password in these tests. */
export const ADMIN_PASSWORD = 'admin-secret-pw-1';

/** Basic credentials as a header. */
export function basic(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

/** The admin's credentials. */
export const ADMIN = basic('admin', ADMIN_PASSWORD);

/** A reply: status, headers and parsed JSON body. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls `method path` (a path from the root, e.g. `/api/2.0/mlflow/runs/get?run_id=…`) with JSON. */
export async function call<T = Record<string, unknown>>(a: Pick<StartedAgent, 'url'>, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const res = await fetch(`${a.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as T };
}

/** Creates a user (as the admin); returns their Basic header. */
export async function addUser(a: Pick<StartedAgent, 'url'>, username: string, password: string): Promise<Record<string, string>> {
  const r = await call(a, 'POST', '/api/2.0/mlflow/users/create', { username, password }, ADMIN);
  if (r.status !== 200) throw new Error(`users/create ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return basic(username, password);
}

/** Creates an experiment as `who`; returns its id. */
export async function newExperiment(a: Pick<StartedAgent, 'url'>, name: string, who: Record<string, string>): Promise<string> {
  const r = await call<{ experiment_id: string }>(a, 'POST', '/api/2.0/mlflow/experiments/create', { name }, who);
  if (r.status !== 200) throw new Error(`experiments/create ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.experiment_id;
}

/** Creates a run as `who`; returns its id (or the failed answer). */
export async function newRun(a: Pick<StartedAgent, 'url'>, experimentId: string, who: Record<string, string>, extra: Record<string, unknown> = {}): Promise<Answer<{ run: { info: { run_id: string; user_id: string } } }>> {
  return call(a, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId, start_time: Date.now(), ...extra }, who);
}
