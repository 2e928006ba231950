/**
 * The file engine of `TrackingStore`: the folder store (`FileStore`: documents, metric logs,
 * group commit) behind the store interface. Rules that read existing state run inside the
 * write of what they read — an experiment change inside the experiment book's queue, a run
 * change inside the run's — so they hold however requests interleave. Searches run over the
 * documents in memory; downsampled reads come from the metric columns cache, which follows
 * the store's feed.
 */
import type { DatasetInput, DownsampleReply, Scope } from '@lablog/schema';
import { invalidParameter, notFound } from '../errors.js';
import { ColumnCache } from '../lablog/ColumnCache.js';
import { downsample } from '../lablog/downsample.js';
import { searchExperiments } from '../search/searchExperiments.js';
import { countRuns, searchRunsWith } from '../search/searchRuns.js';
import type { FileStore } from './FileStore.js';
import { SortedRuns } from './SortedRuns.js';
import { hasKey, setKey } from './keyedRecord.js';
import type { BatchOrigin } from './MetricLog.js';
import type { ExperimentRecord, MetricPoint, ModelInputRecord, ModelOutputRecord, RunDoc } from './records.js';
import type { Batch, CountedPoints, DownsampleRequest, NewRun, Page, RunUpdate, ScopeState, SearchRequest, TrackingStore } from './TrackingStore.js';

/** The tracking store over a store folder. */
export class FileTrackingStore implements TrackingStore {
  readonly engine = 'file';
  /** Metric columns of recent runs, for downsampled reads. */
  private readonly columns: ColumnCache;
  /** Kept search orders of experiments (followed as their runs change) and counts (while they do not). */
  private readonly sorted: SortedRuns;

  /** @param files the open folder store (this object closes it) */
  constructor(readonly files: FileStore) {
    this.columns = new ColumnCache(files);
    this.sorted = new SortedRuns(files.runTable);
  }

  get feed() {
    return this.files.feed;
  }

  // ---- experiments

  async createExperiment(name: string, artifactLocation: string | undefined, tags: Record<string, string>): Promise<ExperimentRecord> {
    return this.files.createExperiment(name, artifactLocation, tags);
  }

  async getExperiment(id: string): Promise<ExperimentRecord> {
    return this.files.experiments.get(id);
  }

  async getExperimentByName(name: string): Promise<ExperimentRecord | null> {
    return this.files.experiments.findByName(name) ?? null;
  }

  async searchExperiments(req: SearchRequest): Promise<Page<ExperimentRecord>> {
    const r = searchExperiments(this.files.experiments.all(), strip(req));
    return page(r.experiments, r.nextPageToken);
  }

  async renameExperiment(id: string, newName: string): Promise<void> {
    this.files.experiments.checkRename(id, newName);
    await this.files.updateExperiment(id, (e) => {
      if (e.lifecycle_stage !== 'active') throw invalidParameter(`Cannot rename a non-active experiment ${id}.`);
      e.name = newName;
    });
  }

  async setExperimentLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    if (stage === 'deleted' && id === '0') throw invalidParameter("Cannot delete the default experiment '0'.");
    await this.files.updateExperiment(id, (e) => {
      e.lifecycle_stage = stage;
    });
  }

  async setExperimentTag(id: string, key: string, value: string): Promise<void> {
    await this.files.updateExperiment(id, (e) => {
      if (e.lifecycle_stage !== 'active') throw invalidParameter(`The experiment ${id} must be in the 'active' state. Current state is ${e.lifecycle_stage}.`);
      setKey(e.tags, key, value);
    });
  }

  async deleteExperimentTag(id: string, key: string): Promise<void> {
    await this.files.updateExperiment(id, (e) => {
      if (!hasKey(e.tags, key)) throw notFound(`No tag with name: ${key} in experiment with id ${id}`);
      delete e.tags[key];
    });
  }

  // ---- runs

  createRun(spec: NewRun): Promise<RunDoc> {
    return this.files.createRun(spec);
  }

  async getRun(runId: string): Promise<RunDoc> {
    return this.files.getRun(runId);
  }

  updateRun(runId: string, update: RunUpdate): Promise<RunDoc> {
    return this.files.updateRun(runId, update);
  }

  setRunLifecycle(runId: string, stage: 'active' | 'deleted'): Promise<void> {
    return this.files.setRunLifecycle(runId, stage);
  }

  async searchRuns(experimentIds: readonly string[], req: SearchRequest): Promise<Page<RunDoc>> {
    // one experiment (a runs table): its order may be kept; several: searched each time
    const one = new Set(experimentIds).size === 1 ? experimentIds[0]! : null;
    const r = searchRunsWith(strip(req), () => this.files.runsOf(experimentIds), one === null ? () => undefined : this.sorted.source(one));
    return page(r.runs, r.nextPageToken);
  }

  async countRuns(experimentIds: readonly string[], req: Pick<SearchRequest, 'filter' | 'viewType'>): Promise<number> {
    const count = () => countRuns(this.files.runsOf(experimentIds), strip(req));
    if (new Set(experimentIds).size !== 1) return count();
    return this.sorted.count(experimentIds[0]!, JSON.stringify([req.filter ?? '', req.viewType ?? 'ACTIVE_ONLY']), count);
  }

  // ---- logging

  logBatch(runId: string, batch: Batch, origin?: BatchOrigin): Promise<void> {
    return this.files.logBatch(runId, batch, origin);
  }

  deleteTag(runId: string, key: string): Promise<void> {
    return this.files.deleteTag(runId, key);
  }

  logInputs(runId: string, inputs: readonly DatasetInput[], models: readonly ModelInputRecord[] = []): Promise<void> {
    return this.files.logInputs(runId, inputs, models);
  }

  logModel(runId: string, model: object): Promise<void> {
    return this.files.logModel(runId, model);
  }

  logOutputs(runId: string, outputs: readonly ModelOutputRecord[]): Promise<void> {
    return this.files.logOutputs(runId, outputs);
  }

  // ---- metric reads

  async metricHistory(runId: string, key: string, range?: { offset: number; limit: number }): Promise<MetricPoint[]> {
    return (await this.metricHistoryAt(runId, key, range)).points;
  }

  async metricHistoryAt(runId: string, key: string, range?: { offset: number; limit: number }): Promise<CountedPoints> {
    // from the run's columns (kept up to date with its commits), so a page costs its own size,
    // not a read of the whole log: 40 pages of a 1M-point metric read it once
    const col = (await this.columns.columns(runId)).column(key);
    if (!col) return { points: [], count: 0 };
    const from = Math.min(range?.offset ?? 0, col.length);
    const to = Math.min(range ? from + range.limit : col.length, col.length);
    const out: MetricPoint[] = new Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = { key, value: col.value[i]!, timestamp: col.time[i]!, step: col.step[i]! };
    return { points: out, count: col.length };
  }

  async metricPointCount(runId: string, key: string): Promise<number> {
    return (await this.columns.columns(runId)).column(key)?.length ?? 0;
  }

  async downsample(runId: string, key: string, req: DownsampleRequest): Promise<DownsampleReply> {
    const cols = await this.columns.columns(runId); // RESOURCE_DOES_NOT_EXIST for an unknown run
    return downsample(key, cols.column(key), req);
  }

  // ---- live

  async scopeState(scope: Scope): Promise<ScopeState> {
    // taken synchronously: nothing commits between reading the seq and reading the state
    const book = this.files.experiments;
    const seq = this.feed.seq;
    switch (scope.kind) {
      case 'all':
        return { seq, experiments: [...book.all()], runs: this.files.runsOf([]) };
      case 'experiment':
        return { seq, experiments: [book.get(scope.experiment_id)], runs: this.files.runsOf([scope.experiment_id]) };
      case 'run': {
        const run = this.files.getRun(scope.run_id);
        return { seq, experiments: [book.get(run.info.experiment_id)], runs: [run] };
      }
    }
  }

  close(): Promise<void> {
    return this.files.close();
  }
}

/** The request without `undefined` fields (the search functions take optional, not undefined, fields). */
function strip(req: SearchRequest) {
  return Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined)) as {
    filter?: string;
    orderBy?: readonly string[];
    viewType?: NonNullable<SearchRequest['viewType']>;
    maxResults?: number;
    pageToken?: string;
  };
}

function page<T>(items: T[], nextPageToken: string | undefined): Page<T> {
  return nextPageToken === undefined ? { items } : { items, nextPageToken };
}
