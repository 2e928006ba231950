/**
 * registered-models/search and model-versions/search over the registry in memory: filter,
 * order, page, with the defaults and tie-breakers of MLflow's SQL registry store.
 */
import { invalidParameter } from '../errors.js';
import type { RegisteredModelRecord, VersionOf } from '../registry/registryRecords.js';
import { parseFilter } from './filterParser.js';
import { compareValues, parseOrderBy, type Comparator, type OrderTerm, type SortValue } from './orderBy.js';
import { checkMaxResults, decodePageToken, pageOf, type Page } from './pageToken.js';
import { compileModelVersionFilter, compileRegisteredModelFilter } from './registryFilter.js';

/** Default and largest page of registered-models/search. */
export const REGISTERED_MODELS_PAGE = { default: 100, max: 1000 } as const;
/** Default and largest page of model-versions/search. */
export const MODEL_VERSIONS_PAGE = { default: 10_000, max: 200_000 } as const;

/** A registry search request, already decoded from the wire. */
export interface SearchRegistryRequest {
  /** Filter string (clauses joined by AND); empty matches everything. */
  filter?: string | undefined;
  /** order_by entries such as `name DESC`; the tie-breakers always follow them. */
  orderBy?: readonly string[] | undefined;
  /** Page size; defaults and limits in REGISTERED_MODELS_PAGE / MODEL_VERSIONS_PAGE. */
  maxResults?: number | undefined;
  /** Token from a previous page's `nextPageToken`. */
  pageToken?: string | undefined;
}

type Getter<T> = (item: T) => SortValue;

/** Parses order_by entries, refusing a key given twice (as MLflow does). */
function orderTerms(orderBy: readonly string[], kind: 'registered_model' | 'model_version'): OrderTerm[] {
  const terms = orderBy.map((entry) => parseOrderBy(entry, kind));
  const seen = new Set<string>();
  for (const t of terms) {
    if (seen.has(t.key)) throw invalidParameter(`\`order_by\` contains duplicate fields: [${orderBy.map((o) => `'${o}'`).join(', ')}]`);
    seen.add(t.key);
  }
  return terms;
}

function comparator<T>(terms: readonly OrderTerm[], getters: Readonly<Record<string, Getter<T>>>): Comparator<T> {
  const steps = terms.map((t) => ({ get: getters[t.key] as Getter<T>, ascending: t.ascending }));
  return (a, b) => {
    for (const { get, ascending } of steps) {
      const c = compareValues(get(a), get(b), ascending);
      if (c !== 0) return c;
    }
    return 0;
  };
}

const MODEL_FIELDS: Record<string, Getter<RegisteredModelRecord>> = {
  name: (m) => m.name,
  creation_timestamp: (m) => m.creation_timestamp,
  last_updated_timestamp: (m) => m.last_updated_timestamp,
};

const VERSION_FIELDS: Record<string, Getter<VersionOf>> = {
  name: (v) => v.model.name,
  version_number: (v) => v.version.version,
  creation_timestamp: (v) => v.version.creation_timestamp,
  last_updated_timestamp: (v) => v.version.last_updated_timestamp,
};

/**
 * Searches registered models. Filter: `name` (= != LIKE ILIKE), `tags.<key>`. order_by: `name`,
 * `creation_timestamp`, `last_updated_timestamp` (`timestamp` as an alias of the latter);
 * `name ASC` breaks ties.
 * @throws 400 INVALID_PARAMETER_VALUE for an invalid filter, order_by, max_results or page token
 */
export function searchRegisteredModels(models: readonly RegisteredModelRecord[], req: SearchRegistryRequest = {}): Page<RegisteredModelRecord> {
  const size = checkMaxResults(req.maxResults, REGISTERED_MODELS_PAGE.default, REGISTERED_MODELS_PAGE.max);
  const offset = decodePageToken(req.pageToken);
  const matches = compileRegisteredModelFilter(parseFilter(req.filter, 'registered_model'));
  const terms = orderTerms(req.orderBy ?? [], 'registered_model');
  if (!terms.some((t) => t.key === 'name')) terms.push({ entity: 'attribute', key: 'name', ascending: true });
  return pageOf(models.filter(matches).sort(comparator(terms, MODEL_FIELDS)), offset, size);
}

/**
 * Searches model versions. Filter: `name`, `run_id` (also IN), `source_path`, `version_number`,
 * `tags.<key>`. order_by: `name`, `version_number`, `creation_timestamp`, `last_updated_timestamp`;
 * default `last_updated_timestamp DESC, name ASC, version_number DESC`; `name ASC` and
 * `version_number DESC` break ties.
 * @throws 400 INVALID_PARAMETER_VALUE for an invalid filter, order_by, max_results or page token
 */
export function searchModelVersions(versions: readonly VersionOf[], req: SearchRegistryRequest = {}): Page<VersionOf> {
  const size = checkMaxResults(req.maxResults, MODEL_VERSIONS_PAGE.default, MODEL_VERSIONS_PAGE.max);
  const offset = decodePageToken(req.pageToken);
  const matches = compileModelVersionFilter(parseFilter(req.filter, 'model_version'));
  const orderBy = req.orderBy && req.orderBy.length > 0 ? req.orderBy : ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'];
  const terms = orderTerms(orderBy, 'model_version');
  if (!terms.some((t) => t.key === 'name')) terms.push({ entity: 'attribute', key: 'name', ascending: true });
  if (!terms.some((t) => t.key === 'version_number')) terms.push({ entity: 'attribute', key: 'version_number', ascending: false });
  return pageOf(versions.filter(matches).sort(comparator(terms, VERSION_FIELDS)), offset, size);
}
