/**
 * The lablog client: start runs and log to them, watch live events, flush, close.
 *
 * ```ts
 * import { Lablog } from 'lablog/client';
 * const lablog = new Lablog();
 * const run = await lablog.startRun({ experiment: 'tfjs-mnist' });
 * run.logParams({ lr: 1e-3, batch: 64 });
 * for (let step = 0; step < 1000; step++) run.logMetric('loss', 1 / (step + 1), { step });
 * await run.endRun();
 * ```
 */
import type { KeyValue, Scope } from '@lablog/schema';
import { ClientCore } from './ClientCore.js';
import type { FlushReport } from './FlushReport.js';
import { newRunId } from './ids.js';
import { TeamAccess } from './TeamAccess.js';
import { Edits } from './Edits.js';
import { NotebookSessions } from './NotebookSessions.js';
import { Queries } from './Queries.js';
import { resolveOptions, type LablogOptions } from './options.js';
import { Run } from './Run.js';
import { env, hasNodeModules, scriptPath } from './runtime.js';
import { Watcher, type WatchOptions } from './Watcher.js';

/** Options of `startRun`. */
export interface StartRunOptions {
  /** Experiment name, created when missing (as `mlflow.set_experiment`). Default: env `MLFLOW_EXPERIMENT_NAME`, else `experimentId`. */
  experiment?: string;
  /** Experiment id. Default: env `MLFLOW_EXPERIMENT_ID`, else the server's default experiment `0`. */
  experimentId?: string;
  /** Run name. Default: the server picks one. */
  runName?: string;
  /** Tags of the new run. */
  tags?: Record<string, unknown>;
  /** Parent run (a nested run): sets the `mlflow.parentRunId` tag. */
  parent?: Run | string;
}

/** What `watch` covers: a run, an experiment (by id or name), or everything. */
export type WatchScope = { run: Run | string } | { experimentId: string } | { experiment: string } | 'all';

function userName(): string {
  return env('LABLOG_USER') ?? env('USER') ?? env('USERNAME') ?? env('LOGNAME') ?? 'unknown';
}

/** A client of a lablog agent or an MLflow tracking server. */
export class Lablog {
  private readonly core: ClientCore;
  private readonly watchers = new Set<Watcher>();
  private closed = false;

  /** @throws TypeError for an invalid `clientId` (nothing else: the server need not be up) */
  constructor(options: LablogOptions = {}) {
    this.core = new ClientCore(resolveOptions(options));
  }

  /** Read calls: experiments, runs, metric histories, artifacts, registry. */
  get query(): Queries {
    return (this.queries ??= new Queries(this.core.rest));
  }

  private queries: Queries | undefined;

  /** Write calls a viewer makes: rename, describe, tag, delete/restore; the registry's writes. */
  get edits(): Edits {
    return (this.edit ??= new Edits(this.core.rest));
  }

  private edit: Edits | undefined;

  /** Signing in, and sharing experiments, on a team server with users. */
  get access(): TeamAccess {
    return (this.teamAccess ??= new TeamAccess(this.core.rest));
  }

  private teamAccess: TeamAccess | undefined;

  /** The agent's notebook-session calls (lablog's JupyterLab extension uses them). */
  get sessions(): NotebookSessions {
    return (this.notebookSessions ??= new NotebookSessions(this.core.rest));
  }

  private notebookSessions: NotebookSessions | undefined;

  /** The tracking server's URL. */
  get url(): string {
    return this.core.opts.url;
  }

  /**
   * Starts a run. Never rejects because the server is unreachable: against a lablog agent (or
   * a server not reachable yet) the client picks the run's id itself and its creation is
   * queued like everything else, so training goes on offline. When the server is reachable
   * it waits (at most `startTimeoutMs`) for the run to be created, so `run.id` is then the
   * server's even for a plain MLflow server.
   * @throws Error (a rejection) only when called after `close()`
   */
  async startRun(opts: StartRunOptions = {}): Promise<Run> {
    this.checkOpen('startRun');
    const core = this.core;
    await core.link.settled(core.opts.connectTimeoutMs);
    const name = opts.experiment ?? (opts.experimentId === undefined ? env('MLFLOW_EXPERIMENT_NAME') : undefined);
    const expId = opts.experimentId ?? env('MLFLOW_EXPERIMENT_ID');
    const tags: KeyValue[] = [{ key: 'mlflow.user', value: userName() }];
    const script = hasNodeModules ? scriptPath() : undefined;
    if (script) tags.push({ key: 'mlflow.source.name', value: script }, { key: 'mlflow.source.type', value: 'LOCAL' });
    for (const [key, value] of Object.entries(opts.tags ?? {})) tags.push({ key, value: typeof value === 'string' ? value : JSON.stringify(value) ?? String(value) });
    const parent = opts.parent === undefined ? undefined : typeof opts.parent === 'string' ? opts.parent : opts.parent.clientRunId;
    const id = newRunId();
    core.push({
      k: 'create',
      n: 0,
      run: id,
      exp: name !== undefined ? { name } : expId !== undefined ? { id: expId } : null,
      ...(opts.runName ? { name: opts.runName } : {}),
      start: Date.now(),
      user: userName(),
      tags,
      ...(parent ? { parent } : {}),
    });
    const createOp = core.lastOp;
    const state = core.link.state;
    if (state === 'live' || state === 'rest') await core.waitFor(createOp, core.opts.startTimeoutMs);
    return new Run(core, id, createOp);
  }

  /**
   * Watches live events: first a snapshot of the scope, then every committed change, whoever
   * logged it. Reconnects and resumes by itself; `break` (or `return()`) stops it.
   * Needs a lablog agent; against a plain MLflow server the iterator rejects.
   * @throws Error when called after `close()`
   */
  watch(scope: WatchScope, opts: WatchOptions = {}): Watcher {
    this.checkOpen('watch');
    const core = this.core;
    const resolve = async (): Promise<Scope> => {
      if (scope === 'all') return { kind: 'all' };
      if ('run' in scope) return { kind: 'run', run_id: typeof scope.run === 'string' ? scope.run : scope.run.id };
      if ('experimentId' in scope) return { kind: 'experiment', experiment_id: scope.experimentId };
      const res = await core.rest.call<{ experiment: { experiment_id: string } }>('experiments/get-by-name', null, 'GET', { experiment_name: scope.experiment });
      return { kind: 'experiment', experiment_id: res.experiment.experiment_id };
    };
    core.watching(1);
    const w: Watcher = new Watcher(core.link, resolve, opts, () => {
      core.watching(-1);
      this.watchers.delete(w);
    });
    this.watchers.add(w);
    return w;
  }

  private checkOpen(what: string): void {
    if (this.closed) throw new Error(`lablog: ${what} after close(); make a new Lablog`);
  }

  /**
   * Sends everything logged so far (all runs) and waits until the server has stored it, at
   * most `timeoutMs` (default: the flushTimeoutMs option, 10 s). Never rejects.
   */
  flush(opts: { timeoutMs?: number } = {}): Promise<FlushReport> {
    return this.core.flush(opts.timeoutMs);
  }

  /**
   * Flushes (bounded), then closes the connection and the spool: what the server has not
   * stored stays in the spool file (named in the report) for the next client to replay.
   * Runs are not ended; open watchers end. Idempotent.
   */
  async close(opts: { timeoutMs?: number } = {}): Promise<FlushReport> {
    this.closed = true;
    for (const w of [...this.watchers]) await w.return();
    return this.core.close(opts.timeoutMs);
  }
}
