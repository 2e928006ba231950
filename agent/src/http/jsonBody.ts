/**
 * JSON request bodies parsed by Fastify's own parser, remembering which top-level fields were
 * written as floating-point literals (`9.0`): JavaScript numbers cannot tell `9.0` from `9`, and
 * MLflow's messages print the value as Python read it ("Invalid value 9.0 for parameter …").
 */
import type { FastifyInstance } from 'fastify';

// The body's text, kept while the parsed body lives: only an error message needs the scan, so
// it runs then, not on every request (a 1000-metric log-batch spent ~0.5 ms scanning).
const bodyTexts = new WeakMap<object, string>();

/** The top-level fields of a parsed body that were written as float literals (empty when unknown). */
export function floatLiteralFields(body: unknown): ReadonlySet<string> {
  const text = typeof body === 'object' && body !== null ? bodyTexts.get(body) : undefined;
  return text === undefined ? new Set() : scanFloatFields(text);
}

/** Top-level keys of a JSON object text whose values are number literals with `.`, `e` or `E`. */
export function scanFloatFields(text: string): Set<string> {
  const out = new Set<string>();
  let depth = 0;
  let key: string | null = null;
  let afterColon = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && !afterColon) {
        try {
          key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          key = null;
        }
      }
      afterColon = false;
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      afterColon = false;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ':' && depth === 1) {
      afterColon = true;
    } else if (c === ',') {
      afterColon = false;
    } else if (depth === 1 && afterColon && (c === '-' || (c >= '0' && c <= '9'))) {
      const m = /^-?\d+(\.\d*)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (m && (m[1] !== undefined || m[2] !== undefined) && key !== null) out.add(key);
      i += (m?.[0].length ?? 1) - 1;
      afterColon = false;
    }
  }
  return out;
}

/** Replaces the JSON parser of `scope` with Fastify's default one that also records float literals. */
export function recordFloatLiterals(scope: FastifyInstance): void {
  const parse = scope.getDefaultJsonParser('error', 'ignore');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    parse(req, body as string, (err: Error | null, value?: unknown) => {
      if (!err && typeof value === 'object' && value !== null) bodyTexts.set(value, body as string);
      done(err, value);
    });
  });
}
