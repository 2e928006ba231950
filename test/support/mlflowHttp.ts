/**
 * A tiny MLflow REST caller for tests: POST JSON bodies, GET query strings, like the real client.
 */

/** A JSON reply: status and parsed body. */
export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** POSTs `body` as JSON to `${base}/api/2.0/mlflow/${path}`. */
export async function post<T = Record<string, unknown>>(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const res = await fetch(`${base}/api/2.0/mlflow/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** GETs `${base}/api/2.0/mlflow/${path}` with `query` in the query string (arrays become repeated keys). */
export async function get<T = Record<string, unknown>>(base: string, path: string, query: Record<string, string | number | string[]> = {}, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    for (const one of Array.isArray(v) ? v : [v]) qs.append(k, String(one));
  }
  const res = await fetch(`${base}/api/2.0/mlflow/${path}?${qs}`, { headers });
  return { status: res.status, body: (await res.json()) as T };
}

/** Creates an experiment and a run in it; returns their ids. */
export async function newRun(base: string, experimentName: string, runName = 'r'): Promise<{ experimentId: string; runId: string }> {
  const exp = await post<{ experiment_id: string }>(base, 'experiments/create', { name: experimentName });
  if (exp.status !== 200) throw new Error(`experiments/create: ${exp.status} ${JSON.stringify(exp.body)}`);
  const run = await post<{ run: { info: { run_id: string } } }>(base, 'runs/create', {
    experiment_id: exp.body.experiment_id,
    run_name: runName,
    start_time: Date.now(),
  });
  if (run.status !== 200) throw new Error(`runs/create: ${run.status} ${JSON.stringify(run.body)}`);
  return { experimentId: exp.body.experiment_id, runId: run.body.run.info.run_id };
}

/** Every point of a metric, following next_page_token. */
export async function fullHistory(base: string, runId: string, key: string): Promise<Array<{ key: string; value: number | string; step: number; timestamp: number }>> {
  const out: Array<{ key: string; value: number | string; step: number; timestamp: number }> = [];
  let token: string | undefined;
  do {
    const q: Record<string, string> = { run_id: runId, metric_key: key };
    if (token) q.page_token = token;
    const r = await get<{ metrics?: typeof out; next_page_token?: string }>(base, 'metrics/get-history', q);
    if (r.status !== 200) throw new Error(`get-history: ${r.status} ${JSON.stringify(r.body)}`);
    for (const m of r.body.metrics ?? []) out.push(m); // a page may hold a million points: no spread
    token = r.body.next_page_token;
  } while (token);
  return out;
}
