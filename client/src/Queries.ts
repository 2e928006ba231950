/**
 * Reading what a tracking server holds: experiments, runs, metric histories (whole or
 * downsampled), artifacts and the model registry — typed calls of the MLflow REST API (and of
 * the agent's downsampling endpoint) for viewers such as lablog's page and JupyterLab panel.
 * Every method rejects with a `RequestError` carrying the server's MLflow error code.
 */
import type {
  ArtifactList,
  DownsampleReply,
  FilterCheckReply,
  FilterKind,
  RunCountReply,
  RunCountRequest,
  WireExperiment,
  WireMetric,
  WireModelVersion,
  WireRegisteredModel,
  WireRun,
} from '@lablog/schema';
import { DownsampleBatcher } from './DownsampleBatcher.js';
import type { RestClient } from './RestClient.js';

/** One page of a search. `nextPageToken` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/** Which lifecycle stages a search covers (MLflow's view types). */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** Options of `searchRuns`. */
export interface SearchRunsOptions {
  experimentIds: string[];
  /** MLflow filter grammar, e.g. `metrics.loss < 0.1 and params.lr = '0.01'`. */
  filter?: string;
  /** e.g. `['metrics.loss ASC', 'attributes.start_time DESC']`. */
  orderBy?: string[];
  /** At most 50 000 (MLflow's limit). Default 1000. */
  maxResults?: number;
  pageToken?: string;
  viewType?: ViewType;
}

/** Options of `searchExperiments`. */
export interface SearchExperimentsOptions {
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  viewType?: ViewType;
}

/** Options of `downsample`. */
export interface DownsampleOptions {
  xAxis?: 'step' | 'time';
  buckets?: number;
  xMin?: number;
  xMax?: number;
}

/** Read calls against a tracking server, made by `Lablog.query`. */
export class Queries {
  /** @internal */
  constructor(private readonly rest: RestClient) {}

  /** The server's base URL. */
  get url(): string {
    return this.rest.base;
  }

  /**
   * Whether the server answers, and whether it is a lablog agent (version) or a plain MLflow server.
   * Never rejects: an unreachable server gives `{ up: false }`.
   */
  async ping(timeoutMs = 3000): Promise<{ up: boolean; lablogVersion: string | null }> {
    try {
      const p = await this.rest.probe(timeoutMs);
      return { up: true, lablogVersion: p.lablogVersion };
    } catch {
      return { up: false, lablogVersion: null };
    }
  }

  /**
   * Whether a search filter is valid for a kind of search, with the agent's message when not
   * (answered without a failed request; a lablog agent only).
   */
  checkFilter(kind: FilterKind, filter: string): Promise<FilterCheckReply> {
    return this.rest.request<FilterCheckReply>('/api/2.0/lablog/filters/check', null, 'GET', { kind, filter });
  }

  /** One page of experiments (`experiments/search`). */
  async searchExperiments(o: SearchExperimentsOptions = {}): Promise<Page<WireExperiment>> {
    const res = await this.rest.call<{ experiments?: WireExperiment[]; next_page_token?: string }>('experiments/search', {
      max_results: o.maxResults ?? 1000,
      ...(o.filter ? { filter: o.filter } : {}),
      ...(o.orderBy ? { order_by: o.orderBy } : {}),
      ...(o.pageToken ? { page_token: o.pageToken } : {}),
      view_type: o.viewType ?? 'ACTIVE_ONLY',
    });
    return page(res.experiments, res.next_page_token);
  }

  /** An experiment by id. */
  async getExperiment(experimentId: string): Promise<WireExperiment> {
    const res = await this.rest.call<{ experiment: WireExperiment }>('experiments/get', null, 'GET', { experiment_id: experimentId });
    return res.experiment;
  }

  /** One page of runs (`runs/search`). */
  async searchRuns(o: SearchRunsOptions): Promise<Page<WireRun>> {
    const res = await this.rest.call<{ runs?: WireRun[]; next_page_token?: string }>('runs/search', {
      experiment_ids: o.experimentIds,
      max_results: o.maxResults ?? 1000,
      run_view_type: o.viewType ?? 'ACTIVE_ONLY',
      ...(o.filter ? { filter: o.filter } : {}),
      ...(o.orderBy ? { order_by: o.orderBy } : {}),
      ...(o.pageToken ? { page_token: o.pageToken } : {}),
    });
    return page(res.runs, res.next_page_token);
  }

  /** How many runs `searchRuns` with these experiments, filter and view finds over all its pages. */
  async countRuns(o: Pick<SearchRunsOptions, 'experimentIds' | 'filter' | 'viewType'>): Promise<number> {
    const body: RunCountRequest = { experiment_ids: o.experimentIds, run_view_type: o.viewType ?? 'ACTIVE_ONLY', ...(o.filter ? { filter: o.filter } : {}) };
    const res = await this.rest.request<RunCountReply>('/api/2.0/lablog/runs/count', body, 'POST');
    return res.count;
  }

  /** A run with its latest metrics, params, tags and inputs. */
  async getRun(runId: string): Promise<WireRun> {
    const res = await this.rest.call<{ run: WireRun }>('runs/get', null, 'GET', { run_id: runId });
    return res.run;
  }

  /** Every point of a metric, all pages of `metrics/get-history`. */
  async metricHistory(runId: string, key: string): Promise<WireMetric[]> {
    const all: WireMetric[] = [];
    let token: string | undefined;
    do {
      const res = await this.rest.call<{ metrics?: WireMetric[]; next_page_token?: string }>('metrics/get-history', null, 'GET', {
        run_id: runId,
        metric_key: key,
        ...(token ? { page_token: token } : {}),
      });
      for (const m of res.metrics ?? []) all.push(m);
      token = res.next_page_token || undefined;
    } while (token);
    return all;
  }

  /**
   * A metric's history reduced to min/max/last per x bucket (the agent's downsampling endpoint).
   * Reads of one metric asked for in the same turn go as one bulk request (see DownsampleBatcher).
   */
  downsample(runId: string, key: string, o: DownsampleOptions = {}): Promise<DownsampleReply> {
    return (this.batcher ??= new DownsampleBatcher(this.rest)).read(runId, key, o);
  }

  private batcher: DownsampleBatcher | undefined;

  /** The files and folders directly under `path` (the root when absent) of a run's artifacts. */
  async listArtifacts(runId: string, path?: string): Promise<ArtifactList> {
    return this.rest.call<ArtifactList>('artifacts/list', null, 'GET', { run_id: runId, ...(path ? { path } : {}) });
  }

  /** Downloads one artifact file of a run. */
  fetchArtifact(runId: string, path: string): Promise<Response> {
    return this.rest.fetchFile('/get-artifact', { run_uuid: runId, path });
  }

  /** One page of registered models. */
  async searchRegisteredModels(o: { filter?: string; orderBy?: string[]; maxResults?: number; pageToken?: string } = {}): Promise<Page<WireRegisteredModel>> {
    const q: Record<string, string> = { max_results: String(o.maxResults ?? 1000) };
    if (o.filter) q.filter = o.filter;
    if (o.pageToken) q.page_token = o.pageToken;
    const qs = new URLSearchParams(q);
    for (const ob of o.orderBy ?? []) qs.append('order_by', ob);
    const res = await this.rest.call<{ registered_models?: WireRegisteredModel[]; next_page_token?: string }>(`registered-models/search?${qs}`, null, 'GET');
    return page(res.registered_models, res.next_page_token);
  }

  /** A registered model with its latest versions and aliases. */
  async getRegisteredModel(name: string): Promise<WireRegisteredModel> {
    const res = await this.rest.call<{ registered_model: WireRegisteredModel }>('registered-models/get', null, 'GET', { name });
    return res.registered_model;
  }

  /** One page of model versions, e.g. `name = 'm'` or `run_id = '…'`. */
  async searchModelVersions(o: { filter?: string; orderBy?: string[]; maxResults?: number; pageToken?: string } = {}): Promise<Page<WireModelVersion>> {
    const q: Record<string, string> = { max_results: String(o.maxResults ?? 1000) };
    if (o.filter) q.filter = o.filter;
    if (o.pageToken) q.page_token = o.pageToken;
    const qs = new URLSearchParams(q);
    for (const ob of o.orderBy ?? []) qs.append('order_by', ob);
    const res = await this.rest.call<{ model_versions?: WireModelVersion[]; next_page_token?: string }>(`model-versions/search?${qs}`, null, 'GET');
    return page(res.model_versions, res.next_page_token);
  }
}

function page<T>(items: T[] | undefined, token: string | undefined): Page<T> {
  return token ? { items: items ?? [], nextPageToken: token } : { items: items ?? [] };
}
