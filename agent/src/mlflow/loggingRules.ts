/**
 * MLflow's rules for logged values (mlflow/utils/validation.py): name syntax, batch limits,
 * and the lengths past which values are truncated (MLFLOW_TRUNCATE_LONG_VALUES, on by
 * default) or keys are refused.
 */
import type { KeyValue } from '@lablog/schema';
import { invalidParameter } from '../errors.js';

/** Limits of one log-batch request. */
export const BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000, bytes: 1024 * 1024 } as const;
/** Longest metric, param or tag key. */
export const MAX_KEY_LENGTH = 250;
/** Longest param value; longer ones are truncated. */
export const MAX_PARAM_VALUE_LENGTH = 6000;
/** Longest run tag value; longer ones are truncated. */
export const MAX_TAG_VALUE_LENGTH = 5000;
/** Most datasets in one log-inputs request. */
export const MAX_DATASETS = 1000;

// Python's \w is Unicode-aware: letters, digits, marks and underscore.
const NAME_RE = /^[/\p{L}\p{N}\p{M}_.\- :]*$/u;

/** posixpath.normpath, enough to tell whether a name would resolve to another one. */
function normpath(name: string): string {
  const absolute = name.startsWith('/');
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

// Names already found valid: a training loop logs the same few keys millions of times.
const validNames = new Set<string>();
const VALID_NAMES_MAX = 10_000;

/**
 * Checks a metric, param or tag name.
 * @throws INVALID_PARAMETER_VALUE for a missing, too long, or unsafe name
 */
export function checkName(kind: 'metric' | 'param' | 'tag', name: string | undefined): string {
  if (name === undefined || name === null) throw invalidParameter(`Missing value for required parameter 'key'.`);
  if (validNames.has(name)) return name;
  if (!NAME_RE.test(name)) {
    throw invalidParameter(
      `Invalid ${kind} name: '${name}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`,
    );
  }
  const norm = normpath(name);
  if (norm !== name || name === '.' || name.startsWith('..') || name.startsWith('/')) {
    throw invalidParameter(
      `Invalid ${kind} name: '${name}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`,
    );
  }
  if (name.length > MAX_KEY_LENGTH) {
    throw invalidParameter(`'${name.slice(0, 20)}...' exceeds the maximum length of ${MAX_KEY_LENGTH} characters for a ${kind} key.`);
  }
  if (validNames.size >= VALID_NAMES_MAX) validNames.clear();
  validNames.add(name);
  return name;
}

/** Truncates a param or tag value that is too long, as MLflow does by default. */
export function truncateValue(kind: 'param' | 'tag', value: string): string {
  const max = kind === 'param' ? MAX_PARAM_VALUE_LENGTH : MAX_TAG_VALUE_LENGTH;
  return value.length > max ? value.slice(0, max) : value;
}

/**
 * Checks and truncates a list of params or tags into a record.
 * @throws INVALID_PARAMETER_VALUE for a bad key or a param key given twice
 */
export function keyValues(kind: 'param' | 'tag', list: readonly KeyValue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!list) return out;
  for (const { key, value } of list) {
    checkName(kind, key);
    if (kind === 'param' && key in out) {
      throw invalidParameter(`Duplicate parameter keys have been submitted: ['${key}']. Please ensure the request contains only one param value per param key.`);
    }
    out[key] = truncateValue(kind, value);
  }
  return out;
}

/** @throws INVALID_PARAMETER_VALUE when a batch exceeds MLflow's limits */
export function checkBatchSize(metrics: number, params: number, tags: number): void {
  const over = (what: string, n: number, max: number): never => {
    throw invalidParameter(`A batch logging request can contain at most ${max} ${what}. Got ${n} ${what}. Please split up ${what} across multiple requests and try again.`);
  };
  if (metrics > BATCH_LIMITS.metrics) over('metrics', metrics, BATCH_LIMITS.metrics);
  if (params > BATCH_LIMITS.params) over('params', params, BATCH_LIMITS.params);
  if (tags > BATCH_LIMITS.tags) over('tags', tags, BATCH_LIMITS.tags);
  const total = metrics + params + tags;
  if (total > BATCH_LIMITS.total) {
    throw invalidParameter(`A batch logging request can contain at most ${BATCH_LIMITS.total} metrics, params, and tags in total. Got ${total} in total.`);
  }
}
