/**
 * Schema validation at the boundary (HTTP requests, and live-channel messages). Bodies are checked strictly (no type coercion:
 * MLflow refuses `true` as a metric value); query strings are coerced, since every query
 * value arrives as text. Compiled validators are cached per schema object, because each
 * route is registered under two prefixes.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { invalidParameter, missingParameter, type MlflowError } from '../errors.js';
import { floatLiteralFields } from './jsonBody.js';
import { pyStr, pyTypeName } from './pythonRepr.js';

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
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart, url }) => {
  const fn = compile(httpPart === 'body' ? bodyAjv : queryAjv, schema);
  const required = new Set((schema as { required?: string[] }).required ?? []);
  // MLflow's routes report errors in MLflow's words; lablog's own name the nested field at fault
  const mlflowRoute = /\/mlflow(-artifacts)?\//.test(url ?? '');
  return (data: unknown) =>
    fn(data) ? { value: data } : { error: mlflowRoute ? requestError(fn.errors ?? [], data, required) : toMlflowError(fn.errors ?? []) };
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

/**
 * The first schema error of an HTTP request, as MLflow's server words it: it names the top-level
 * parameter and prints the value it got the Python way ("Invalid value 31 for parameter 'run_id'
 * supplied. Hint: Value was of type 'int'."); a required parameter sent as `null` is missing.
 */
function requestError(errors: readonly ErrorObject[], data: unknown, required: ReadonlySet<string>): MlflowError {
  const e = errors[0];
  if (!e || typeof data !== 'object' || data === null) return toMlflowError(errors);
  const top = e.instancePath.split('/')[1];
  if (top === undefined) return toMlflowError(errors);
  const param = top.replace(/~1/g, '/').replace(/~0/g, '~');
  const value = (data as Record<string, unknown>)[param];
  // run_id is required too where run_uuid may stand for it
  if ((value === null || value === '') && (required.has(param) || param === 'run_id')) return missingParameter(param);
  const isFloat = floatLiteralFields(data).has(param);
  return invalidParameter(
    `Invalid value ${pyStr(value, isFloat)} for parameter '${param}' supplied. Hint: Value was of type '${pyTypeName(value, isFloat)}'. See the API docs for more information about request parameters.`,
  );
}
