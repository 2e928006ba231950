/**
 * `npm run bench -- store-engines`: the file store, PostgreSQL, and MLflow's own server on the same
 * PostgreSQL, side by side: REST log-batch ingest, get-history of a 1M-point metric, a 2,000-bucket
 * downsample of it, runs/search over 10k and 100k runs (metric filter + order_by; the median of
 * nine after the first, which is shown on its own), and how soon a point logged through one agent
 * reaches a viewer on another (on a fresh database). Printed with ratios; never asserted.
 *
 * PostgreSQL comes from LABLOG_TEST_PG or a private cluster (test/support/postgres). MLflow's
 * server comes from the venv named by LABLOG_MLFLOW_PG_VENV (mlflow 3.17.2 and psycopg2-binary);
 * without it MLflow's column says so. The runs searched are made over REST on the file store and
 * written straight into the database for both PostgreSQL servers (same rows as REST would make;
 * REST would take minutes for 100k runs there), so the figures compare searches, not fills.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { startAgentProcess, type AgentProcess } from '../test/support/agentProcess.js';
import { get, post } from '../test/support/mlflowHttp.js';
import { dropDatabase, freePort, freshDatabase, postgresMissing } from '../test/support/postgres.js';
import { fmt, since, type Row } from './table.js';

const POINTS = 1_000_000;
const BATCH = 1000;
const WORKERS = 8;
/** This process's descriptor limit, which the agents it starts inherit. */
const FD_LIMIT = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim()) || 0;
const SEARCH = { filter: 'metrics.m0 > 0.5', order_by: ['metrics.m1 DESC'], max_results: 100 };

/** Figures of one server. */
interface Figures {
  ingest?: number;
  historyMs?: number;
  downsampleMs?: number;
  search10k?: number;
  search100k?: number;
  /** The first search of the 100k runs (PostgreSQL: answered in SQL while the agent reads the experiment's latest metrics). */
  search100kFirst?: number;
  note?: string;
}

async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(since(t0));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Points/s of `WORKERS` connections posting 1000-point batches into `runId` until `points` are in or `maxMs` passed. */
async function ingest(url: string, runId: string, points: number, maxMs = Infinity): Promise<{ rate: number; done: number }> {
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (let k = next++; k * BATCH < points && since(t0) < maxMs; k = next++) {
      const metrics = Array.from({ length: BATCH }, (_, i) => ({ key: 'loss', value: 1 / (k * BATCH + i + 1), timestamp: 1_700_000_000_000 + k * BATCH + i, step: k * BATCH + i }));
      const r = await post(url, 'runs/log-batch', { run_id: runId, metrics });
      if (r.status !== 200) throw new Error(`log-batch: ${r.status} ${JSON.stringify(r.body)}`);
      done += BATCH;
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return { rate: done / (since(t0) / 1000), done };
}

async function newExperimentRun(url: string, name: string): Promise<{ experimentId: string; runId: string }> {
  const e = await post<{ experiment_id: string }>(url, 'experiments/create', { name });
  const r = await post<{ run: { info: { run_id: string } } }>(url, 'runs/create', { experiment_id: e.body.experiment_id, start_time: Date.now() });
  return { experimentId: e.body.experiment_id, runId: r.body.run.info.run_id };
}

/** POSTs, retrying what a client retries (5xx, as the MLflow client does) a few times. */
async function postRetrying<T>(url: string, path: string, body: unknown): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const r = await post<T>(url, path, body);
    if (r.status === 200) return r.body;
    if (r.status < 500 || attempt >= 5) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    await new Promise((res) => setTimeout(res, 100 * 2 ** attempt));
  }
}

/** Runs with metrics m0, m1 and a param, over REST, 8 at a time. */
async function fillRest(url: string, experimentId: string, from: number, to: number): Promise<void> {
  let next = from;
  const worker = async () => {
    for (let i = next++; i < to; i = next++) {
      const run = await postRetrying<{ run: { info: { run_id: string } } }>(url, 'runs/create', { experiment_id: experimentId, run_name: `run-${i}`, start_time: 1_700_000_000_000 + i });
      await postRetrying(url, 'runs/log-batch', {
        run_id: run.run.info.run_id,
        metrics: [{ key: 'm0', value: Math.abs(Math.sin(i)), timestamp: 1, step: 0 }, { key: 'm1', value: Math.abs(Math.cos(i)), timestamp: 1, step: 0 }],
        params: [{ key: 'lr', value: String((i % 100) / 1000) }],
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** The same runs written straight into lablog's PostgreSQL schema. */
async function fillLablogSql(db: string, experimentId: string, from: number, to: number): Promise<void> {
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO runs (run_id, experiment_id, run_name, user_id, status, start_time, artifact_uri, lifecycle_stage, params, tags)
       SELECT md5('lablog' || g), $1, 'run-' || g, 'bench', 'RUNNING', 1700000000000 + g, 'mlflow-artifacts:/' || $1 || '/' || md5('lablog' || g) || '/artifacts', 'active',
              jsonb_build_object('lr', ((g % 100) / 1000.0)::text), jsonb_build_object('mlflow.runName', 'run-' || g)
       FROM generate_series($2::int, $3::int - 1) g`,
      [experimentId, from, to],
    );
    await c.query(
      `INSERT INTO latest_metrics (rid, experiment_id, key, value, ts, step)
       SELECT r.rid, r.experiment_id, k.key, CASE k.key WHEN 'm0' THEN abs(sin(g)) ELSE abs(cos(g)) END, 1, 0
       FROM generate_series($2::int, $3::int - 1) g JOIN runs r ON r.run_id = md5('lablog' || g) CROSS JOIN (VALUES ('m0'), ('m1')) k(key)
       WHERE r.experiment_id = $1`,
      [experimentId, from, to],
    );
    await c.query('ANALYZE runs; ANALYZE latest_metrics');
  } finally {
    await c.end();
  }
}

/** The same runs written straight into MLflow's schema (runs, latest_metrics, metrics, params, tags). */
async function fillMlflowSql(db: string, experimentId: string, from: number, to: number): Promise<void> {
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    const id = `md5('mlflow' || g)`;
    await c.query(
      `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
       SELECT ${id}, 'run-' || g, 'LOCAL', '', '', 'bench', 'RUNNING', 1700000000000 + g, '', 'active', 'mlflow-artifacts:/' || $1 || '/' || ${id} || '/artifacts', $1::int
       FROM generate_series($2::int, $3::int - 1) g`,
      [experimentId, from, to],
    );
    for (const [key, fn] of [['m0', 'sin'], ['m1', 'cos']] as const) {
      await c.query(`INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) SELECT '${key}', abs(${fn}(g)), 1, 0, false, ${id} FROM generate_series($1::int, $2::int - 1) g`, [from, to]);
      await c.query(`INSERT INTO metrics (key, value, timestamp, step, is_nan, run_uuid) SELECT '${key}', abs(${fn}(g)), 1, 0, false, ${id} FROM generate_series($1::int, $2::int - 1) g`, [from, to]);
    }
    await c.query(`INSERT INTO params (key, value, run_uuid) SELECT 'lr', ((g % 100) / 1000.0)::text, ${id} FROM generate_series($1::int, $2::int - 1) g`, [from, to]);
    await c.query(`INSERT INTO tags (key, value, run_uuid) SELECT 'mlflow.runName', 'run-' || g, ${id} FROM generate_series($1::int, $2::int - 1) g`, [from, to]);
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
}

/** A 1M-point history for MLflow, written straight into its metrics table. */
async function fillMlflowHistory(db: string, runId: string): Promise<void> {
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO metrics (key, value, timestamp, step, is_nan, run_uuid) SELECT 'loss', 1.0 / (g + 1), 1700000000000 + g, g, false, $1 FROM generate_series(0, $2::int - 1) g`,
      [runId, POINTS],
    );
    await c.query(`INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ('loss', 1.0 / $2, 1700000000000 + $2 - 1, $2 - 1, false, $1)`, [runId, POINTS]);
    await c.query('ANALYZE metrics');
  } finally {
    await c.end();
  }
}

/** Every point of a metric, 25,000 a page, as MLflow's Python client reads it; the count. */
async function pagedHistory(url: string, runId: string, key: string): Promise<number> {
  let n = 0;
  let token: string | undefined;
  do {
    const r = await get<{ metrics?: unknown[]; next_page_token?: string }>(url, 'metrics/get-history', { run_id: runId, metric_key: key, max_results: 25_000, ...(token ? { page_token: token } : {}) });
    if (r.status !== 200) throw new Error(`get-history: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    n += r.body.metrics?.length ?? 0;
    token = r.body.next_page_token;
  } while (token);
  return n;
}

/**
 * How long a PostgreSQL agent is given to read an experiment's latest metrics into memory after
 * its first metric search (which SQL answers meanwhile): the medians are of the searches after.
 */
const HOLD_MS = 5000;

/** The first search's time, then (HOLD_MS later) the median of nine. */
async function searchMs(url: string, experimentId: string): Promise<{ first: number; median: number }> {
  const t0 = performance.now();
  const r = await post<{ runs?: unknown[] }>(url, 'runs/search', { experiment_ids: [experimentId], ...SEARCH });
  const first = since(t0);
  if (r.status !== 200 || (r.body.runs ?? []).length !== 100) throw new Error(`search: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
  return { first, median: await median(9, () => post(url, 'runs/search', { experiment_ids: [experimentId], ...SEARCH })) };
}

/** A new experiment's id. */
async function newExperiment(url: string, name: string): Promise<string> {
  return (await post<{ experiment_id: string }>(url, 'experiments/create', { name })).body.experiment_id;
}

async function stop(p: AgentProcess): Promise<void> {
  p.child.kill('SIGTERM');
  await p.exited;
}

/** A lablog agent's figures; `database` set for PostgreSQL. */
async function lablogFigures(database: string | undefined): Promise<Figures> {
  const files = await mkdtemp(join(tmpdir(), 'lablog-bench-engines-'));
  const agent = await startAgentProcess(['serve', '--port', '0', '--store', database ?? files, '--files', files]);
  try {
    const f: Figures = {};
    const big = await newExperimentRun(agent.url, 'history');
    f.ingest = (await ingest(agent.url, big.runId, POINTS)).rate;
    f.historyMs = await median(3, async () => {
      const n = await pagedHistory(agent.url, big.runId, 'loss');
      if (n !== POINTS) throw new Error(`history has ${n} points`);
    });
    const ds = () => fetch(`${agent.url}/api/2.0/lablog/metrics/downsample?run_id=${big.runId}&metric_key=loss&buckets=2000`).then((r) => r.json());
    await ds();
    f.downsampleMs = await median(9, ds);
    // rows written straight into the database pass by the change feed that keeps an agent's
    // in-memory latest metrics: each size is an experiment of its own, filled before its first search
    const fill = (e: string, from: number, to: number) => (database ? fillLablogSql(database, e, from, to) : fillRest(agent.url, e, from, to));
    const e10k = await newExperiment(agent.url, 'sweep-10k');
    await fill(e10k, 0, 10_000);
    f.search10k = (await searchMs(agent.url, e10k)).median;
    // the file store keeps a descriptor open per run it wrote to: 100k runs pass this machine's
    // limit (ulimit -n 20000) long before they are made, so it is measured only where it fits
    if (database || FD_LIMIT > 110_000 + 1000) {
      const e100k = await newExperiment(agent.url, 'sweep-100k');
      await fill(e100k, 10_000, 110_000);
      ({ median: f.search100k, first: f.search100kFirst } = await searchMs(agent.url, e100k));
    }
    return f;
  } finally {
    await stop(agent);
    await rm(files, { recursive: true, force: true });
  }
}

/** MLflow's own server on `database`; its figures. */
async function mlflowFigures(database: string): Promise<Figures> {
  const venv = process.env.LABLOG_MLFLOW_PG_VENV;
  if (!venv) return { note: 'not measured: LABLOG_MLFLOW_PG_VENV (a venv with mlflow==3.17.2 psycopg2-binary) is not set' };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // SQLAlchemy's driver name: psycopg2 is what the venv has
  const backend = database.replace(/^postgres(ql)?:/, 'postgresql+psycopg2:');
  const child: ChildProcess = spawn(join(venv, 'bin', 'mlflow'), ['server', '--backend-store-uri', backend, '--host', '127.0.0.1', '--port', String(port), '--workers', '2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group: the server's workers and job runners are stopped with it
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const t0 = performance.now();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mlflow server exited:\n${out.slice(-2000)}`);
      if (since(t0) > 180_000) throw new Error(`mlflow server did not answer within 3 min:\n${out.slice(-2000)}`);
      const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const f: Figures = {};
    const big = await newExperimentRun(url, 'history');
    // MLflow's server is slow to ingest: measured over 15 s into its own run
    const rate = await newExperimentRun(url, 'ingest');
    f.ingest = (await ingest(url, rate.runId, POINTS, 15_000)).rate;
    await fillMlflowHistory(database, big.runId);
    f.historyMs = await median(3, async () => {
      const n = await pagedHistory(url, big.runId, 'loss');
      if (n !== POINTS) throw new Error(`MLflow history has ${n} points`);
    });
    // MLflow's sampled read for charts (its UI's): get-history-bulk-interval, at most 2,500 points
    const sampled = () => get(url, 'metrics/get-history-bulk-interval', { run_ids: big.runId, metric_key: 'loss', max_results: 2000 });
    await sampled();
    f.downsampleMs = await median(9, sampled);
    const e10k = await newExperiment(url, 'sweep-10k');
    await fillMlflowSql(database, e10k, 0, 10_000);
    f.search10k = (await searchMs(url, e10k)).median;
    const e100k = await newExperiment(url, 'sweep-100k');
    await fillMlflowSql(database, e100k, 10_000, 110_000);
    ({ median: f.search100k, first: f.search100kFirst } = await searchMs(url, e100k));
    return f;
  } finally {
    const exited = new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await exited;
  }
}

/** Log→viewer latency across two agents on one database: logged through B, seen on A. */
async function crossAgent(database: string): Promise<{ p50: number; p99: number; n: number }> {
  const dirs = [await mkdtemp(join(tmpdir(), 'lablog-bench-a-')), await mkdtemp(join(tmpdir(), 'lablog-bench-b-'))];
  const [a, b] = [await startAgentProcess(['serve', '--port', '0', '--store', database, '--files', dirs[0]!]), await startAgentProcess(['serve', '--port', '0', '--store', database, '--files', dirs[1]!])];
  try {
    const { experimentId, runId } = await newExperimentRun(b.url, 'cross-agent');
    const ws = new WebSocket(`${a.url.replace(/^http/, 'ws')}/ws`);
    const seen = new Map<number, () => void>();
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { type: string; event?: { kind: string; metrics?: Array<{ step: number }> } };
      if (m.type === 'event' && m.event?.kind === 'metrics') for (const p of m.event.metrics ?? []) seen.get(p.step)?.();
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', id: 'x', scope: { kind: 'experiment', experiment_id: experimentId } }));
    await new Promise((r) => setTimeout(r, 200));
    const times: number[] = [];
    const n = 300;
    for (let i = 0; i < n; i++) {
      const arrived = new Promise<void>((resolve) => seen.set(i, resolve));
      const t0 = performance.now();
      await post(b.url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'x', value: i, timestamp: Date.now(), step: i }] });
      await arrived;
      times.push(since(t0));
    }
    ws.close();
    times.sort((x, y) => x - y);
    return { p50: times[Math.floor(n * 0.5)]!, p99: times[Math.floor(n * 0.99)]!, n };
  } finally {
    await Promise.all([stop(a), stop(b)]);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

const ms = (v: number | undefined) => (v === undefined ? '-' : `${fmt(v, 1)} ms`);
const ratio = (num: number | undefined, den: number | undefined, unit: string) => (num === undefined || den === undefined ? '' : `${fmt(num / den, 1)}x ${unit}`);

/** Measures the three servers. */
export async function storeEnginesBench(): Promise<Row[]> {
  const missing = await postgresMissing();
  if (missing) return [{ figure: 'store engines', value: `not measured: ${missing}`, target: '-' }];
  const file = await lablogFigures(undefined);
  const lablogDb = await freshDatabase();
  const mlflowDb = await freshDatabase();
  try {
    const pgf = await lablogFigures(lablogDb);
    // MLflow's server failing costs its column, not the figures measured already
    const mlf = await mlflowFigures(mlflowDb).catch((err: unknown): Figures => ({ note: `MLflow's server failed: ${String(err).slice(0, 200)}` }));
    // on a database of its own: the autovacuum that follows the bulk fills above is not in it
    const crossDb = await freshDatabase();
    const cross = await crossAgent(crossDb).finally(() => dropDatabase(crossDb).catch(() => undefined));
    const vs = (what: Exclude<keyof Figures, 'note'>, higherIsBetter: boolean) => {
      const [f, p, m] = [file[what], pgf[what], mlf[what]];
      const parts = [higherIsBetter ? ratio(p, f, 'of file') : ratio(f, p, 'file faster'), m === undefined ? mlf.note ?? '' : higherIsBetter ? ratio(p, m, 'MLflow') : ratio(m, p, 'faster than MLflow')];
      return parts.filter(Boolean).join('; ');
    };
    const pts = (v: number | undefined) => (v === undefined ? '-' : `${fmt(v)} pts/s`);
    const row = (figure: string, key: Exclude<keyof Figures, 'note'>, show: (v: number | undefined) => string, target: string, higher: boolean): Row => ({
      figure,
      value: `file ${show(file[key])} | PostgreSQL ${show(pgf[key])} | MLflow on PostgreSQL ${mlf[key] === undefined ? '-' : show(mlf[key])}`,
      target,
      reference: `PostgreSQL: ${vs(key, higher)}`,
    });
    return [
      row(`REST log-batch ingest (${WORKERS} connections, 1000-point batches, one run)`, 'ingest', pts, 'PostgreSQL >= 10x MLflow', true),
      row("get-history of a 1M-point metric (25,000-point pages, as MLflow's client)", 'historyMs', ms, '< 1 s', false),
      row('2,000-bucket downsample of 1M points (MLflow: get-history-bulk-interval, 2,000)', 'downsampleMs', ms, '< 100 ms', false),
      row('search 10k runs: metric filter + order_by metric, 100 results', 'search10k', ms, '-', false),
      {
        ...row('search 100k runs: metric filter + order_by metric, 100 results', 'search100k', ms, '< 100 ms', false),
        ...(file.search100k === undefined ? { reference: `PostgreSQL: ${vs('search100k', false) || '-'}; file store not measured: one open descriptor per run, ulimit -n ${FD_LIMIT}` } : {}),
      },
      row('first search of those 100k runs (PostgreSQL: in SQL, while the agent reads their latest metrics into memory)', 'search100kFirst', ms, '-', false),
      { figure: `point logged via agent B seen by a viewer on agent A (${cross.n}, request included)`, value: `p50 ${fmt(cross.p50, 1)} ms, p99 ${fmt(cross.p99, 1)} ms`, target: 'p99 < 50 ms' },
    ];
  } finally {
    await dropDatabase(lablogDb).catch(() => undefined);
    await dropDatabase(mlflowDb).catch(() => undefined);
  }
}
