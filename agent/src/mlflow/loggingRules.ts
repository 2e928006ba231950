/**
 * MLflow's rules for logged values (mlflow/utils/validation.py) as the agent applies them:
 * names and batch limits (the rules themselves are in @lablog/schema), and the lengths past which values are truncated (MLFLOW_TRUNCATE_LONG_VALUES, on by
 * default) or keys are refused.
 */
import { BATCH_LIMITS, nameProblem, type KeyValue } from '@lablog/schema';
import { invalidParameter } from '../errors.js';
import { hasKey, setKey } from '../store/keyedRecord.js';

/** Longest param value; longer ones are truncated. */
export const MAX_PARAM_VALUE_LENGTH = 6000;
/** Longest run tag value; longer ones are truncated. */
export const MAX_TAG_VALUE_LENGTH = 5000;
/** Most datasets in one log-inputs request. */
export const MAX_DATASETS = 1000;

/**
 * Checks a metric, param or tag name.
 * @throws INVALID_PARAMETER_VALUE for a missing, too long, or unsafe name
 */
export function checkName(kind: 'metric' | 'param' | 'tag', name: string | undefined): string {
  if (name === undefined || name === null) throw invalidParameter(`Missing value for required parameter 'key'.`);
  const problem = nameProblem(kind, name);
  if (problem) throw invalidParameter(problem);
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
    if (kind === 'param' && hasKey(out, key)) {
      throw invalidParameter(`Duplicate parameter keys have been submitted: ['${key}']. Please ensure the request contains only one param value per param key.`);
    }
    setKey(out, key, truncateValue(kind, value));
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
