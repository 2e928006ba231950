/**
 * Readers for registry request fields shared by the registered-model and model-version routes.
 */
import type { KeyValue, registryRequests } from '@lablog/schema';
import type { SearchRegistryRequest } from '../search/searchRegistry.js';
import { listOf, optionalInt64 } from './requestFields.js';

/** A `{key, value}` list as a record; a key given twice keeps its last value, as MLflow does. */
export function tagRecord(tags: readonly KeyValue[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value]));
}

/** A registry search query decoded into a search request. */
export function registrySearchRequest(q: registryRequests.SearchRegistryQuery): SearchRegistryRequest {
  return { filter: q.filter, orderBy: listOf(q.order_by), maxResults: optionalInt64(q.max_results, 'max_results'), pageToken: q.page_token };
}
