/**
 * The tracking store as an interface, shaped like MLflow's `AbstractStore` but async: one
 * operation per MLflow verb, records out that callers never edit (an engine swaps in new
 * records, it never changes one it handed out), searches pushed down to the engine (each
 * compiles the filter grammar's AST its own way), and every rule that reads existing state —
 * param immutability, rename uniqueness, lifecycle, log-model history, idempotent client batches —
 * checked inside the operation (write-then-swap under the run's or book's queue in files, a
 * transaction in SQL), so a refused or failed operation changes nothing.
 *
 * Routes validate the request's shape and call one operation. Whatever an operation committed
 * reaches consumers through `feed`, never through a return path of their own.
 *
 * Engines: `FileTrackingStore` (a folder, the embedded default) and `PgTrackingStore`
 * (`postgresql://…`, the team server); `openTrackingStore` picks one from the store URI.
 */
import type { DatasetInput, DownsampleReply, RunStatus, Scope, ViewType } from '@lablog/schema';
import type { ModelMetricRecord } from '../loggedModels/loggedModelRecords.js';
import type { ChangeFeed } from './ChangeFeed.js';
import type { BatchOrigin } from './MetricLog.js';
import type { ExperimentRecord, MetricPoint, ModelInputRecord, ModelOutputRecord, RunDoc } from './records.js';

/** Fields of a new run. */
export interface NewRun {
  /** The id to give the run (a client's own); creating it again returns the existing run. */
  runId?: string | undefined;
  experimentId: string;
  userId: string;
  /** Empty: the `mlflow.runName` tag's, else a random name. */
  runName: string;
  startTime: number;
  tags: Record<string, string>;
}

/** Changes to a run's info. */
export interface RunUpdate {
  status?: RunStatus | undefined;
  endTime?: number | undefined;
  runName?: string | undefined;
}

/** A batch of values for one run. Params and tags are already checked and truncated. */
export interface Batch {
  metrics: MetricPoint[];
  params: Record<string, string>;
  tags: Record<string, string>;
  /**
   * MLflow 3: those of the batch's metrics that name a logged model, per model id — its metrics
   * too, written by the same operation and refused with it (RESOURCE_DOES_NOT_EXIST for a model
   * absent or deleted: then nothing of the batch is stored).
   */
  models?: ReadonlyMap<string, readonly ModelMetricRecord[]>;
}

/** A search over experiments or runs, decoded from the wire but not yet checked. */
export interface SearchRequest {
  /** MLflow filter string (clauses joined by AND); empty matches everything. */
  filter?: string | undefined;
  /** order_by entries such as `metrics.loss DESC`; MLflow's default order always follows them. */
  orderBy?: readonly string[] | undefined;
  /** Which lifecycle stages to include; default `ACTIVE_ONLY`. */
  viewType?: ViewType | undefined;
  /** Page size; default and limits are MLflow's (see search/pageToken). */
  maxResults?: number | undefined;
  /** A previous page's `nextPageToken`. */
  pageToken?: string | undefined;
}

/** One page of results. */
export interface Page<T> {
  items: T[];
  /** Present only when more remain after this page. */
  nextPageToken?: string;
}

/** Points of a metric, and its point count when they were read (see metricHistoryAt). */
export interface CountedPoints {
  points: MetricPoint[];
  count: number;
}

/** What a downsampled read reduces: see `lablog/downsample`. */
export interface DownsampleRequest {
  axis: 'step' | 'time';
  buckets: number;
  xMin?: number | undefined;
  xMax?: number | undefined;
}

/** A scope's state at a feed position, for a live subscriber's snapshot. */
export interface ScopeState {
  /** The feed seq this state includes every change up to (and none after). */
  seq: number;
  experiments: ExperimentRecord[];
  runs: RunDoc[];
}

/** The tracking store. */
export interface TrackingStore {
  /** `file` or `postgresql`: for messages and the agent info only, never for behaviour. */
  readonly engine: string;
  /** Every committed change, in commit order. */
  readonly feed: ChangeFeed;

  // ---- experiments
  /** @throws RESOURCE_ALREADY_EXISTS when the name is taken (by a deleted experiment too) */
  createExperiment(name: string, artifactLocation: string | undefined, tags: Record<string, string>): Promise<ExperimentRecord>;
  /** @throws RESOURCE_DOES_NOT_EXIST */
  getExperiment(id: string): Promise<ExperimentRecord>;
  /** The experiment of that name, deleted ones included, or null. */
  getExperimentByName(name: string): Promise<ExperimentRecord | null>;
  /** @throws INVALID_PARAMETER_VALUE for a bad filter, order_by, page size or token */
  searchExperiments(req: SearchRequest): Promise<Page<ExperimentRecord>>;
  /** @throws RESOURCE_ALREADY_EXISTS (name taken), INVALID_PARAMETER_VALUE (empty name, not active) */
  renameExperiment(id: string, newName: string): Promise<void>;
  /** @throws INVALID_PARAMETER_VALUE for the default experiment '0' when deleting */
  setExperimentLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void>;
  /** @throws INVALID_PARAMETER_VALUE when the experiment is not active */
  setExperimentTag(id: string, key: string, value: string): Promise<void>;
  /** @throws RESOURCE_DOES_NOT_EXIST when the tag is absent */
  deleteExperimentTag(id: string, key: string): Promise<void>;

  // ---- runs
  /** @throws RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE (experiment not active, id taken in another experiment) */
  createRun(spec: NewRun): Promise<RunDoc>;
  /** @throws RESOURCE_DOES_NOT_EXIST */
  getRun(runId: string): Promise<RunDoc>;
  /** @throws INVALID_PARAMETER_VALUE when the run is not active */
  updateRun(runId: string, update: RunUpdate): Promise<RunDoc>;
  setRunLifecycle(runId: string, stage: 'active' | 'deleted'): Promise<void>;
  /** Runs of `experimentIds` (all when empty) in the view that match, sorted, one page. */
  searchRuns(experimentIds: readonly string[], req: SearchRequest): Promise<Page<RunDoc>>;
  /** How many runs `searchRuns` with this filter and view would find over all its pages. */
  countRuns(experimentIds: readonly string[], req: Pick<SearchRequest, 'filter' | 'viewType'>): Promise<number>;

  // ---- logging
  /**
   * Logs params, tags and metrics, all or nothing; resolves once committed. With `origin`, a
   * batch that client already sent is acknowledged (once committed) without being stored again.
   * @throws INVALID_PARAMETER_VALUE when a param would change value or the run is not active
   */
  logBatch(runId: string, batch: Batch, origin?: BatchOrigin): Promise<void>;
  /** @throws RESOURCE_DOES_NOT_EXIST when the tag is absent */
  deleteTag(runId: string, key: string): Promise<void>;
  /** Records dataset inputs; one already logged (same name, digest and tags) is not doubled. */
  /** Dataset inputs (a dataset once per run) and MLflow 3 model inputs (a model once per run). */
  logInputs(runId: string, inputs: readonly DatasetInput[], models?: readonly ModelInputRecord[]): Promise<void>;
  /** Appends a model to the run's `mlflow.log-model.history` tag (read and written in one operation). */
  logModel(runId: string, model: object): Promise<void>;
  /** Records logged models the run produced (MLflow 3 `runs/outputs`), each once. @throws RESOURCE_DOES_NOT_EXIST for a model absent or deleted, checked in the same operation */
  logOutputs(runId: string, outputs: readonly ModelOutputRecord[]): Promise<void>;

  // ---- metric reads
  /**
   * Points of one metric of a run: in logging order (file) or step order (SQL; the same for
   * the usual increasing steps), `offset`/`limit` applied. Each a plain object with the wire's
   * fields in the wire's order (`key`, `value`, `timestamp`, `step`): get-history writes a page
   * of finite values as it is. @throws RESOURCE_DOES_NOT_EXIST
   */
  metricHistory(runId: string, key: string, range?: { offset: number; limit: number }): Promise<MetricPoint[]>;
  /**
   * How many points metric `key` of a run has (0 when none). Every write adds points and none
   * takes any away, so an unchanged count means an unchanged history: what tells a page encoded
   * earlier (get-history's read-ahead) that it still holds. @throws RESOURCE_DOES_NOT_EXIST
   */
  metricPointCount(runId: string, key: string): Promise<number>;
  /**
   * metricHistory's points with the metric's point count they were read at (or an earlier count:
   * never a later one), for a reader that checks later whether they still hold.
   * @throws RESOURCE_DOES_NOT_EXIST
   */
  metricHistoryAt(runId: string, key: string, range?: { offset: number; limit: number }): Promise<CountedPoints>;
  /** Min/max/last per x bucket of one metric. @throws RESOURCE_DOES_NOT_EXIST */
  downsample(runId: string, key: string, req: DownsampleRequest): Promise<DownsampleReply>;

  // ---- live
  /** The scope's experiments and runs, consistent with a feed seq. @throws RESOURCE_DOES_NOT_EXIST for a missing run or experiment scope */
  scopeState(scope: Scope): Promise<ScopeState>;

  /** Waits for commits under way and releases the store. Idempotent. */
  close(): Promise<void>;
}
