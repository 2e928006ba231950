/**
 * `experiments/search` for a user who may not read every experiment: the answer keeps only the
 * readable ones and, as MLflow's basic-auth app does, reads further pages until the page is full
 * again — so a user among many closed experiments still gets a full first page. Unlike MLflow's
 * (which cuts the last page read and keeps its token, skipping what it cut), each further read
 * asks for exactly as many as are missing, so the next page token never skips an experiment.
 */
import type { WireExperiment } from '@lablog/schema';
import { wireExperiment } from '../mlflow/wire.js';
import type { SearchRequest, TrackingStore } from '../store/TrackingStore.js';

/** Reads one page of experiments as the wire has them. */
export type ExperimentPager = (req: SearchRequest) => Promise<{ experiments: WireExperiment[]; nextPageToken?: string | undefined }>;

/** The pager over a tracking store. */
export function experimentPager(tracking: TrackingStore): ExperimentPager {
  return async (req) => {
    const page = await tracking.searchExperiments(req);
    return { experiments: page.items.map(wireExperiment), nextPageToken: page.nextPageToken };
  };
}

/** MLflow's default page size of experiments/search. */
const DEFAULT_MAX_RESULTS = 1000;
/** Further pages read at most for one answer (each as large as what is missing). */
const MAX_REFILLS = 100;

/** An experiments/search answer. */
interface Answer {
  experiments?: WireExperiment[];
  next_page_token?: string;
}

/**
 * `answer` without unreadable experiments, refilled from the following pages.
 * @param request the search's fields (body of a POST, query of a GET)
 */
export async function readableExperiments(answer: Answer, request: Record<string, unknown>, readable: (id: string) => boolean, pager: ExperimentPager): Promise<Answer> {
  const max = Number(request.max_results ?? DEFAULT_MAX_RESULTS) || DEFAULT_MAX_RESULTS;
  const kept = (answer.experiments ?? []).filter((e) => readable(e.experiment_id));
  let token = answer.next_page_token;
  const orderBy = request.order_by === undefined ? undefined : [request.order_by].flat().map(String);
  for (let reads = 0; token && kept.length < max && reads < MAX_REFILLS; reads++) {
    const page = await pager({
      filter: typeof request.filter === 'string' ? request.filter : undefined,
      orderBy,
      viewType: request.view_type as SearchRequest['viewType'],
      maxResults: max - kept.length,
      pageToken: token,
    });
    kept.push(...page.experiments.filter((e) => readable(e.experiment_id)));
    token = page.nextPageToken;
  }
  return { experiments: kept, ...(token ? { next_page_token: token } : {}) };
}
