/**
 * The embedded store: plain files under one folder (see README "Store layout").
 *   meta/experiments.json          experiments (lowdb)
 *   meta/registry.json             the model registry: models, versions, aliases (lowdb)
 *   runs/<run_id>/run.json         a run's info, params, tags, inputs, latest metrics (lowdb)
 *   runs/<run_id>/metrics.jsonl    the run's metric points, append-only, group-committed
 *   runs/<run_id>/artifacts/       the run's artifact files
 *   models/<model_id>/model.json   an MLflow 3 logged model (lowdb); its files in models/<model_id>/artifacts/
 * Every write touches only the files of what it changes; reads are served from memory
 * (documents) or from the metric log (histories). Committed changes are announced to
 * listeners, in commit order, for the live channel.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetInput } from '@lablog/schema';
import { alreadyExists, invalidParameter, notFound } from '../errors.js';
import { LoggedModelBook } from '../loggedModels/LoggedModelBook.js';
import { loggedModelEdits } from '../loggedModels/loggedModelRules.js';
import { ModelRegistry } from '../registry/ModelRegistry.js';
import { ExperimentBook } from './ExperimentBook.js';
import { GroupCommitter } from './GroupCommitter.js';
import type { BatchOrigin, MetricLog } from './MetricLog.js';
import { RUN_NAME_TAG, type ExperimentRecord, type MetricPoint, type ModelInputRecord, type ModelOutputRecord, type RunDoc, type StoreEvent } from './records.js';
import { writeImportedRun, type ImportedRun, type ImportedRunCounts } from './runImport.js';
import { randomRunName } from './runNames.js';
import { acquireStoreLock, type StoreLock } from './storeLock.js';
import { removeLeftovers } from './storeLeftovers.js';
import { writeBatch } from './runBatch.js';
import { RunTable } from './RunTable.js';
import { hasKey, setKey } from './keyedRecord.js';
import { StoredRun, type BatchClaim } from './StoredRun.js';
import { LocalChangeFeed } from './ChangeFeed.js';
import type { Batch, NewRun, RunUpdate } from './TrackingStore.js';
import { appendLoggedModel, LOG_MODEL_HISTORY_TAG } from './logModelHistory.js';
import { newDatasetInputs, newModelInputs } from './datasetInputs.js';

export { RUN_NAME_TAG };
export type { Batch, NewRun, RunUpdate };

/** The file store. */
export class FileStore {
  /** Every committed change, numbered in commit order (this agent's lifetime is its epoch). */
  readonly feed = new LocalChangeFeed();
  private readonly creating = new Map<string, Promise<RunDoc>>();
  private closed = false;
  /** Runs another tracking engine keeps (see `followRuns`). */
  private foreign: ((runId: string) => RunDoc | undefined) | null = null;

  private constructor(
    readonly dir: string,
    readonly experiments: ExperimentBook,
    /** The model registry, `meta/registry.json`; it announces its changes through this store. */
    readonly registry: ModelRegistry,
    /** MLflow 3 logged models, `models/<model_id>/model.json`. */
    readonly loggedModels: LoggedModelBook,
    private readonly committer: GroupCommitter,
    private readonly lock: StoreLock,
    private readonly runs: RunTable,
  ) {}

  /**
   * Opens the store at `dir`, creating it when absent.
   * @throws MlflowError(INVALID_STATE) when another agent holds the store
   */
  static async open(dir: string): Promise<FileStore> {
    // private to its owner (on a shared machine other users must not read or change runs); a
    // store made by an earlier version, readable by all, is closed up too
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    await mkdir(join(dir, 'meta'), { recursive: true, mode: 0o700 });
    await mkdir(join(dir, 'runs'), { recursive: true, mode: 0o700 });
    const lock = await acquireStoreLock(dir);
    try {
      await removeLeftovers(dir);
      const registry = await ModelRegistry.open(dir, (change) => store.emit({ type: 'registry', ...change }));
      const experiments = await ExperimentBook.open(dir);
      const loggedModels = await LoggedModelBook.open(dir);
      const committer = new GroupCommitter();
      // crash recovery runs on every open: each metric log is reconciled with its run's summary
      const runs = await RunTable.load(join(dir, 'runs'), committer);
      const store: FileStore = new FileStore(dir, experiments, registry, loggedModels, committer, lock, runs);
      return store;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** Tells agents refused by the store lock where this one serves. */
  announce(url: string): void {
    this.lock.announce(url);
  }

  private emit(event: StoreEvent): void {
    this.feed.publish(event);
  }

  // ---- experiments -------------------------------------------------------------------

  /** Creates an experiment. @throws RESOURCE_ALREADY_EXISTS */
  async createExperiment(name: string, artifactLocation: string | undefined, tags: Record<string, string>): Promise<ExperimentRecord> {
    const e = await this.experiments.create(name, artifactLocation, tags);
    this.emit({ type: 'experiment', experiment: e });
    return e;
  }

  /** Applies `change` to an experiment, saves and announces it. */
  async updateExperiment(id: string, change: (e: ExperimentRecord) => void): Promise<ExperimentRecord> {
    const e = await this.experiments.update(id, change);
    this.emit({ type: 'experiment', experiment: e });
    return e;
  }

  // ---- runs --------------------------------------------------------------------------

  /**
   * When the runs live in another tracking engine (PostgreSQL), the code that still reads runs
   * here — artifacts, the registry's model sources, notebook snapshots — finds them through
   * `lookup`; their artifact files stay in this folder, under `runs/<run_id>/artifacts/`.
   */
  followRuns(lookup: (runId: string) => RunDoc | undefined): void {
    this.foreign = lookup;
  }

  /** A run's document. @throws RESOURCE_DOES_NOT_EXIST */
  getRun(runId: string): RunDoc {
    const mine = this.runs.get(runId);
    if (mine) return mine.doc;
    const other = this.foreign?.(runId);
    if (other) return other;
    throw notFound(`Run with id=${runId} not found`);
  }

  private stored(runId: string): StoredRun {
    const run = this.runs.get(runId);
    if (!run) throw notFound(`Run with id=${runId} not found`);
    return run;
  }

  private activeRun(runId: string): StoredRun {
    const run = this.stored(runId);
    const stage = run.doc.info.lifecycle_stage;
    if (stage !== 'active') {
      throw invalidParameter(`The run ${runId} must be in the 'active' state. Current state is ${stage}.`);
    }
    return run;
  }

  /** The runs of the given experiments (all runs when `experimentIds` is empty). */
  runsOf(experimentIds: readonly string[]): RunDoc[] {
    return this.runs.docsOf(experimentIds);
  }

  /** The runs in memory, for what the engine derives from them and keeps (search orders); changed only by this store. */
  get runTable(): RunTable {
    return this.runs;
  }

  /** Creates a run. @throws RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE (experiment not active) */
  async createRun(spec: NewRun): Promise<RunDoc> {
    if (!spec.runId) return this.createRunNow(spec);
    // the same client id created twice at once: the second waits for the first
    const pending = this.creating.get(spec.runId);
    if (pending) {
      await pending.catch(() => undefined);
      return this.createRunNow(spec);
    }
    const p = this.createRunNow(spec);
    this.creating.set(spec.runId, p);
    try {
      return await p;
    } finally {
      this.creating.delete(spec.runId);
    }
  }

  private async createRunNow(spec: NewRun): Promise<RunDoc> {
    const exp = this.experiments.get(spec.experimentId);
    if (exp.lifecycle_stage !== 'active') {
      throw invalidParameter(`Could not create run under non-active experiment with ID ${exp.experiment_id}.`);
    }
    if (spec.runId) {
      const existing = this.runs.get(spec.runId);
      if (existing) {
        if (existing.doc.info.experiment_id !== exp.experiment_id) {
          throw invalidParameter(`Run ${spec.runId} already exists in experiment ${existing.doc.info.experiment_id}.`);
        }
        return existing.doc;
      }
    }
    const runId = spec.runId ?? randomUUID().replaceAll('-', '');
    const runName = spec.runName || spec.tags[RUN_NAME_TAG] || randomRunName();
    const doc: RunDoc = {
      info: {
        run_id: runId,
        experiment_id: exp.experiment_id,
        run_name: runName,
        user_id: spec.userId,
        status: 'RUNNING',
        start_time: spec.startTime,
        end_time: null,
        artifact_uri: runArtifactUri(exp, runId),
        lifecycle_stage: 'active',
      },
      params: {},
      tags: { ...spec.tags, [RUN_NAME_TAG]: runName },
      inputs: [],
      latest_metrics: {},
      metrics_bytes: 0,
    };
    const dir = join(this.dir, 'runs', runId);
    await mkdir(join(dir, 'artifacts'), { recursive: true, mode: 0o700 });
    const run = await StoredRun.create(dir, doc, this.committer);
    this.runs.add(run);
    this.emit({ type: 'run', run: doc });
    return doc;
  }

  /** Updates status, end time or name of a run. */
  async updateRun(runId: string, update: RunUpdate): Promise<RunDoc> {
    const doc = await this.activeRun(runId).update((d) => {
      if (update.status !== undefined) d.info.status = update.status;
      if (update.endTime !== undefined) d.info.end_time = update.endTime;
      if (update.runName) {
        d.info.run_name = update.runName;
        setKey(d.tags, RUN_NAME_TAG, update.runName);
      }
    });
    this.emit({ type: 'run', run: doc });
    return doc;
  }

  /** Marks a run deleted or active again. */
  async setRunLifecycle(runId: string, stage: 'active' | 'deleted'): Promise<void> {
    const doc = await this.stored(runId).update((d) => {
      d.info.lifecycle_stage = stage;
    });
    this.emit({ type: 'run', run: doc });
  }

  /**
   * Logs params, tags and metrics to a run, all or nothing, resolving once durable; with
   * `origin`, a batch that client already sent is acknowledged, not stored again. Metrics naming a
   * logged model go to its document after the run's log (a crash between: points, unacknowledged).
   * @throws INVALID_PARAMETER_VALUE (param changed, run not active); RESOURCE_DOES_NOT_EXIST (model)
   */
  async logBatch(runId: string, batch: Batch, origin?: BatchOrigin): Promise<void> {
    const run = this.activeRun(runId);
    for (const modelId of batch.models?.keys() ?? []) this.loggedModels.get(modelId);
    let claim: BatchClaim | null = null;
    if (origin) {
      const c = run.claimBatch(origin);
      if (!c.fresh) return c.committed; // sent again after a reconnect: stored once, acked when durable
      claim = c;
    }
    try {
      for (const event of await writeBatch(run, batch, origin)) this.emit(event);
      for (const [modelId, records] of batch.models ?? []) await this.loggedModels.edit(modelId, loggedModelEdits.logMetrics(records));
      claim?.settle(true);
    } catch (err) {
      claim?.settle(false);
      throw err;
    }
  }

  /** Deletes a run tag. @throws RESOURCE_DOES_NOT_EXIST when the tag is absent */
  async deleteTag(runId: string, key: string): Promise<void> {
    const doc = await this.activeRun(runId).update((d) => {
      if (!hasKey(d.tags, key)) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
      delete d.tags[key];
    });
    this.emit({ type: 'tags', run_id: runId, experiment_id: doc.info.experiment_id, tags: {}, deleted: [key] });
  }

  /**
   * Appends `model` to the run's log-model history tag; the history is read and written under
   * the run's write queue, so two models logged at once both stay.
   */
  async logModel(runId: string, model: object): Promise<void> {
    let history = '';
    const doc = await this.activeRun(runId).update((d) => {
      history = appendLoggedModel(d.tags[LOG_MODEL_HISTORY_TAG], model);
      setKey(d.tags, LOG_MODEL_HISTORY_TAG, history);
    });
    this.emit({ type: 'tags', run_id: runId, experiment_id: doc.info.experiment_id, tags: { [LOG_MODEL_HISTORY_TAG]: history } });
  }

  /**
   * Records dataset inputs (a dataset already logged with the same name and digest is not
   * doubled) and MLflow 3 model inputs (each model once).
   */
  async logInputs(runId: string, inputs: readonly DatasetInput[], models: readonly ModelInputRecord[] = []): Promise<void> {
    let added: DatasetInput[] = [];
    const run = this.activeRun(runId);
    const fresh = newModelInputs(run.doc.model_inputs ?? [], models);
    if (inputs.length === 0 && fresh.length === 0) return;
    const doc = await run.update((d) => {
      added = newDatasetInputs(d.inputs, inputs);
      d.inputs.push(...added);
      const more = newModelInputs(d.model_inputs ?? [], models);
      if (more.length) (d.model_inputs ??= []).push(...more);
    });
    if (added.length === 0) return;
    this.emit({ type: 'inputs', run_id: runId, experiment_id: doc.info.experiment_id, inputs: added });
  }

  /**
   * Records the logged models a run produced (MLflow 3 `runs/outputs`); an output already
   * recorded (same model and step) is not doubled.
   * @throws RESOURCE_DOES_NOT_EXIST when a model is absent or deleted (checked in the run's write: nothing is recorded)
   */
  async logOutputs(runId: string, outputs: readonly ModelOutputRecord[]): Promise<void> {
    let added = 0;
    const doc = await this.activeRun(runId).update((d) => {
      for (const o of outputs) this.loggedModels.get(o.model_id);
      const recorded = (d.model_outputs ??= []);
      for (const o of outputs) {
        if (recorded.some((r) => r.model_id === o.model_id && r.step === o.step)) continue;
        recorded.push(o);
        added++;
      }
    });
    if (added > 0) this.emit({ type: 'run', run: doc });
  }

  // ---- import (lablog import) ---------------------------------------------------------

  /** Adds an experiment from another store; see `ExperimentBook.importExperiment`. */
  async importExperiment(e: Omit<ExperimentRecord, 'artifact_location'>): Promise<{ experiment: ExperimentRecord; created: boolean }> {
    const r = await this.experiments.importExperiment(e);
    if (r.created) this.emit({ type: 'experiment', experiment: r.experiment });
    return r;
  }

  /**
   * Adds a whole run from another store under its own id, with its metric points and artifact
   * files. The run appears complete or not at all: its folder is built in `tmp/`, then renamed.
   * @param metrics the run's points in chunks
   * @param artifactsFrom a folder whose files become the run's artifacts
   * @throws RESOURCE_ALREADY_EXISTS when the store has the run, RESOURCE_DOES_NOT_EXIST for an
   *   unknown experiment, INVALID_PARAMETER_VALUE for a run id that cannot be a folder name
   */
  async importRun(run: ImportedRun, metrics: AsyncIterable<MetricPoint[]>, artifactsFrom?: string): Promise<ImportedRunCounts> {
    const runId = run.info.run_id;
    if (!RUN_ID_RE.test(runId)) throw invalidParameter(`Invalid run id '${runId}'.`);
    if (this.runs.get(runId)) throw alreadyExists(`Run ${runId} already exists.`);
    const doc: RunDoc = { ...run, info: { ...run.info, artifact_uri: runArtifactUri(this.experiments.get(run.info.experiment_id), runId) }, latest_metrics: {}, metrics_bytes: 0 };
    const scratch = join(this.dir, 'tmp', `import-${runId}`);
    await rm(scratch, { recursive: true, force: true });
    const counts = await writeImportedRun(scratch, doc, metrics, artifactsFrom);
    const dir = join(this.dir, 'runs', runId);
    await rm(dir, { recursive: true, force: true }); // a folder without run.json is not a run (see loadRuns)
    await rename(scratch, dir);
    const stored = await StoredRun.load(dir, await readFile(join(dir, 'run.json'), 'utf8'), this.committer);
    this.runs.add(stored);
    this.emit({ type: 'run', run: stored.doc });
    return counts;
  }

  /** The folder holding a run's artifact files. @throws RESOURCE_DOES_NOT_EXIST */
  artifactDir(runId: string): string {
    const mine = this.runs.get(runId);
    if (!mine && this.foreign?.(runId) && RUN_ID_RE.test(runId)) return join(this.dir, 'runs', runId, 'artifacts');
    return join(this.stored(runId).dir, 'artifacts');
  }

  /** Announces an artifact file written (or deleted) under a run's artifact folder. */
  artifactChanged(runId: string, path: string, fileSize: number, deleted = false): void {
    const { experiment_id } = this.getRun(runId).info;
    this.emit({ type: 'artifact', run_id: runId, experiment_id, path, file_size: fileSize, ...(deleted ? { deleted } : {}) });
  }

  /**
   * A run's metric log, for readers that keep their own index of it (the downsampling
   * columns): its path and committed size. @throws RESOURCE_DOES_NOT_EXIST
   */
  metricLog(runId: string): MetricLog {
    return this.stored(runId).metrics;
  }

  /** Waits for pending commits, saves every summary and releases the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.committer.idle();
    await Promise.all([...this.runs.all()].map((r) => r.close()));
    await this.experiments.close();
    await this.lock.release();
  }
}

/** MLflow's run id rule (`^[a-zA-Z0-9][\w\-]{0,255}$`). */
const RUN_ID_RE = /^[a-zA-Z0-9][\w-]{0,255}$/;

/** Where a run's artifacts are served from: under its experiment's artifact location. */
function runArtifactUri(exp: ExperimentRecord, runId: string): string {
  return `${exp.artifact_location.replace(/\/+$/, '')}/${runId}/artifacts`;
}

