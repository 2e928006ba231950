/**
 * Schema validation at the boundary (HTTP requests, and live-channel messages). Bodies are checked strictly (no type coercion:
 * MLflow refuses `true` as a metric value); query strings are coerced, since every query
 * value arrives as text. Compiled validators are cached per schema object, because each
 * route is registered under two prefixes.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { invalidParameter, missingParameter, type MlflowError } from '../errors.js';

const bodyAjv = new Ajv({ coerceTypes: false, allErrors: false, strict: false, useDefaults: false });
const queryAjv = new Ajv({ coerceTypes: 'array', allErrors: false, strict: false, useDefaults: false });
const cache = new WeakMap<object, ValidateFunction>();

function compile(ajv: Ajv, schema: object): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    // `$id`s identify wire types in schema/; the agent keys its cache on the object instead.
    const { $id: _id, ...plain } = schema as { $id?: string };
    fn = ajv.compile(plain);
    cache.set(schema, fn);
  }
  return fn;
}

/** A strict (no coercion) validator for a message schema, as bodies are checked: the live channel's messages. */
export function bodyValidator(schema: object): ValidateFunction {
  return compile(bodyAjv, schema);
}

/** Fastify validator compiler: strict for bodies, coercing for query strings and params. */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const fn = compile(httpPart === 'body' ? bodyAjv : queryAjv, schema);
  return (data: unknown) => (fn(data) ? { value: data } : { error: toMlflowError(fn.errors ?? []) });
};

function fieldName(path: string): string {
  return path
    .split('/')
    .filter(Boolean)
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}

/** The first schema error of a request, in MLflow's words. */
export function toMlflowError(errors: readonly ErrorObject[]): MlflowError {
  const e = errors[0];
  if (!e) return invalidParameter('Invalid request.');
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    const parent = fieldName(e.instancePath);
    return missingParameter(parent ? `${parent}.${missing}` : missing);
  }
  const field = fieldName(e.instancePath) || 'request body';
  const detail = e.keyword === 'anyOf' || e.keyword === 'type' ? 'it has the wrong type' : (e.message ?? 'invalid');
  return invalidParameter(`Invalid value for parameter '${field}' supplied: ${detail}.`);
}
