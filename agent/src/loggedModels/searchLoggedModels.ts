/**
 * `logged-models/search` over the models in memory, with the semantics of MLflow's
 * `SearchLoggedModelsUtils`: the filter grammar of runs over the attributes `name`, `model_id`,
 * `model_type`, `status`, `source_run_id`, `creation_timestamp`, `last_updated_timestamp`
 * (`*_time` aliases) plus `params.<k>`, `tags.<k>` and `metrics.<k>`; order_by entries
 * `{field_name, ascending}` over those attributes or `metrics.<k>`, then `creation_timestamp`
 * DESC and `model_id` as tie-breakers; offset page tokens.
 * A metric clause matches a model when any of its metrics of that key satisfies it (MLflow's
 * SQL store joins every metric row); a metric order_by sorts by the model's latest value of the
 * key (timestamp, then step, then run id ascending decide), models without one last.
 */
import type { LoggedModelStatus } from '@lablog/schema';
import { invalidParameter } from '../errors.js';
import type { LoggedModelClause } from '../search/filterParser.js';
import { parseFilter } from '../search/filterParser.js';
import { compareValues, parseOrderBy, type SortValue } from '../search/orderBy.js';
import { checkMaxResults, decodePageToken, pageOf, type Page } from '../search/pageToken.js';
import { numberPredicate, own, stringPredicate } from '../search/predicates.js';
import type { LoggedModelDoc, ModelMetricRecord } from './loggedModelRecords.js';

/** Default page size, as MLflow's stores (SEARCH_LOGGED_MODEL_MAX_RESULTS_DEFAULT). */
export const LOGGED_MODELS_PAGE = 100;

/** A logged-model search, decoded from the wire. */
export interface SearchLoggedModelsRequest {
  filter?: string | undefined;
  orderBy?: ReadonlyArray<{ field_name: string; ascending?: boolean | undefined }> | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

type Getter = (doc: LoggedModelDoc) => SortValue;

// MLflow's Python entity calls the statuses PENDING, READY and FAILED; the wire adds the prefix.
const SHORT_STATUS: Record<LoggedModelStatus, string> = {
  LOGGED_MODEL_STATUS_UNSPECIFIED: 'UNSPECIFIED',
  LOGGED_MODEL_PENDING: 'PENDING',
  LOGGED_MODEL_READY: 'READY',
  LOGGED_MODEL_UPLOAD_FAILED: 'FAILED',
};

function attribute(key: string): Getter {
  switch (key) {
    case 'creation_timestamp':
      return (doc) => doc.info.creation_timestamp_ms;
    case 'last_updated_timestamp':
      return (doc) => doc.info.last_updated_timestamp_ms;
    case 'status':
      return (doc) => SHORT_STATUS[doc.info.status];
    default: {
      const field = key as 'name' | 'model_id' | 'model_type' | 'source_run_id';
      return (doc) => doc.info[field];
    }
  }
}

function compileClause(clause: LoggedModelClause): (doc: LoggedModelDoc) => boolean {
  switch (clause.entity) {
    case 'metric': {
      const test = numberPredicate(clause.test);
      const key = clause.key;
      return (doc) => (doc.metrics ?? []).some((m) => m.key === key && test(m.value));
    }
    case 'param':
    case 'tag': {
      const test = stringPredicate(clause.test);
      const key = clause.key;
      const field = clause.entity === 'param' ? 'params' : 'tags';
      return (doc) => {
        const value = own(doc[field], key);
        return value !== undefined && test(value);
      };
    }
    case 'attribute': {
      const get = attribute(clause.key);
      if (clause.test.type === 'number') {
        const test = numberPredicate(clause.test);
        return (doc) => test(get(doc) as number);
      }
      const test = stringPredicate(clause.test);
      if (clause.key === 'status') return (doc) => test(SHORT_STATUS[doc.info.status]) || test(doc.info.status);
      return (doc) => test(get(doc) as string);
    }
  }
}

/** The model's latest value of a metric (MLflow: timestamp DESC, step DESC, run_id ASC), or undefined. */
function latestMetric(key: string): Getter {
  return (doc) => {
    let best: ModelMetricRecord | undefined;
    for (const m of doc.metrics ?? []) {
      if (m.key !== key) continue;
      if (!best || m.timestamp > best.timestamp || (m.timestamp === best.timestamp && (m.step > best.step || (m.step === best.step && m.run_id < best.run_id)))) best = m;
    }
    return best?.value;
  };
}

interface Term {
  get: Getter;
  ascending: boolean;
}

function orderTerms(orderBy: SearchLoggedModelsRequest['orderBy']): Term[] {
  const terms: Term[] = [];
  const keys = new Set<string>();
  for (const entry of orderBy ?? []) {
    const term = parseOrderBy(entry.field_name, 'logged_model');
    if (term.entity !== 'attribute' && term.entity !== 'metric') {
      throw invalidParameter(`Invalid order by field name: ${entry.field_name}, only attributes and \`metrics.<name>\` are allowed.`);
    }
    const ascending = entry.ascending ?? true;
    if (term.entity === 'attribute') keys.add(term.key);
    terms.push({ get: term.entity === 'metric' ? latestMetric(term.key) : attribute(term.key), ascending });
  }
  if (!keys.has('creation_timestamp')) terms.push({ get: attribute('creation_timestamp'), ascending: false });
  if (!keys.has('model_id')) terms.push({ get: attribute('model_id'), ascending: true });
  return terms;
}

/**
 * Searches logged models: keeps those matching the filter, sorts them, returns one page.
 * @param models the candidate models (already limited to the requested experiments, deleted ones left out)
 * @throws 400 INVALID_PARAMETER_VALUE for an invalid filter, order_by, max_results or page token
 */
export function searchLoggedModels(models: readonly LoggedModelDoc[], req: SearchLoggedModelsRequest): Page<LoggedModelDoc> {
  const size = checkMaxResults(req.maxResults, LOGGED_MODELS_PAGE);
  const offset = decodePageToken(req.pageToken);
  const predicates = parseFilter(req.filter, 'logged_model').map(compileClause);
  const terms = orderTerms(req.orderBy);
  const selected = models.filter((doc) => predicates.every((p) => p(doc)));
  selected.sort((a, b) => {
    for (const t of terms) {
      const c = compareValues(t.get(a), t.get(b), t.ascending);
      if (c !== 0) return c;
    }
    return 0;
  });
  return pageOf(selected, offset, size);
}
