/**
 * MLflow's rules for metric, param and tag names and for batch sizes
 * (mlflow/utils/validation.py). Both ends check them: the agent refuses a bad request, the
 * client drops a bad point before it can make the agent refuse a whole batch.
 */

/** Limits of one log-batch request (MLflow's). */
export const BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000, bytes: 1024 * 1024 } as const;

/** Longest metric, param or tag key. */
export const MAX_KEY_LENGTH = 250;

// Python's \w is Unicode-aware: letters, digits, marks and underscore.
const NAME_RE = /^[/\p{L}\p{N}\p{M}_.\- :]*$/u;

// A training loop logs the same few keys millions of times: remember the good ones.
const valid = new Set<string>();
const VALID_MAX = 10_000;

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

/**
 * Why `name` is not a valid metric, param or tag name (MLflow's message), or null when it is.
 * @param kind what the name is for, used in the message
 */
export function nameProblem(kind: 'metric' | 'param' | 'tag', name: unknown): string | null {
  if (typeof name === 'string' && valid.has(name)) return null;
  if (typeof name !== 'string') return `Invalid ${kind} name: a ${name === null ? 'null' : typeof name}; names are strings.`;
  if (!NAME_RE.test(name)) {
    return `Invalid ${kind} name: '${name}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`;
  }
  const norm = normpath(name);
  if (norm !== name || name === '.' || name.startsWith('..') || name.startsWith('/')) {
    return `Invalid ${kind} name: '${name}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`;
  }
  if (name.length > MAX_KEY_LENGTH) return `'${name.slice(0, 20)}...' exceeds the maximum length of ${MAX_KEY_LENGTH} characters for a ${kind} key.`;
  if (valid.size >= VALID_MAX) valid.clear();
  valid.add(name);
  return null;
}
