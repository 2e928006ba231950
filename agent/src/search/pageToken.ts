/**
 * Offset paging for search endpoints. Tokens are opaque to clients; like MLflow's stores we
 * use base64 of the JSON `{"offset": N}`, so tokens are interchangeable with MLflow's.
 */
import { pageTokenAt } from '@lablog/schema';
import { invalidParameter } from '../errors.js';

/** Default page size of runs/search and experiments/search. */
export const SEARCH_MAX_RESULTS_DEFAULT = 1000;
/** Largest page size MLflow accepts for runs/search and experiments/search. */
export const SEARCH_MAX_RESULTS_THRESHOLD = 50_000;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Encodes the offset of the next page as a page token.
 * @param offset index of the first item of the next page (a non-negative integer).
 */
export function encodePageToken(offset: number): string {
  return pageTokenAt(offset);
}

/**
 * Decodes a page token to the offset it stands for.
 * @param token a token from `encodePageToken`; undefined or empty means the first page (0).
 * @throws 400 INVALID_PARAMETER_VALUE when the token is not base64 of `{"offset": N}` with N a
 *   non-negative integer.
 */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  if (!BASE64.test(token)) throw invalidParameter('Invalid page token, could not base64-decode');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    throw invalidParameter(`Invalid page token, decoded value=${decoded}`);
  }
  const offset = typeof parsed === 'object' && parsed !== null ? (parsed as { offset?: unknown }).offset : undefined;
  const n = typeof offset === 'string' && /^\d+$/.test(offset) ? Number(offset) : offset;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw invalidParameter(`Invalid page token, parsed value=${decoded}`);
  }
  return n;
}

/**
 * Checks a requested page size.
 * @param maxResults the request's max_results; undefined gives `defaultSize`.
 * @param defaultSize page size when none is asked for; default `SEARCH_MAX_RESULTS_DEFAULT` (runs, experiments).
 * @param threshold largest page size; default `SEARCH_MAX_RESULTS_THRESHOLD` (runs, experiments).
 * @returns the page size to use.
 * @throws 400 INVALID_PARAMETER_VALUE unless it is an integer from 1 to `threshold`.
 */
export function checkMaxResults(
  maxResults: number | undefined,
  defaultSize = SEARCH_MAX_RESULTS_DEFAULT,
  threshold = SEARCH_MAX_RESULTS_THRESHOLD,
): number {
  if (maxResults === undefined) return defaultSize;
  if (!Number.isInteger(maxResults) || maxResults < 1) {
    throw invalidParameter(
      `Invalid value for request parameter max_results. It must be a positive integer, but got value ${maxResults}`,
    );
  }
  if (maxResults > threshold) {
    throw invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${threshold}, but got value ${maxResults}`,
    );
  }
  return maxResults;
}

/** One page of results and the token of the next page, present only when more remain. */
export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/**
 * Cuts one page out of a fully sorted result list.
 * @param offset from `decodePageToken`; past the end gives an empty page.
 * @param size from `checkMaxResults`.
 */
export function pageOf<T>(all: readonly T[], offset: number, size: number): Page<T> {
  const end = offset + size;
  const items = all.slice(offset, end);
  return end < all.length ? { items, nextPageToken: encodePageToken(end) } : { items };
}

/**
 * One page out of a result list sorted only as far as the page's end (see `firstSorted`).
 * @param first the first `offset + size` results, sorted (fewer when there are fewer)
 * @param total how many results there are in all: whether a next page exists
 */
export function pageOfFirst<T>(first: readonly T[], total: number, offset: number, size: number): Page<T> {
  const end = offset + size;
  const items = first.slice(offset, end);
  return end < total ? { items, nextPageToken: encodePageToken(end) } : { items };
}
