/**
 * The one function that turns an error into what the client gets: an HTTP status and MLflow's
 * `{error_code, message}` body. REST replies (errorHandler.ts), requests Node's HTTP parser
 * refuses (clientErrors.ts), WebSocket upgrade refusals and the live channel's `error`
 * messages all go through it, so one failure reads the same wherever it happens.
 *
 * A client mistake is always a 4xx, never a 5xx, because the MLflow client retries 5xx
 * responses five times; running out of file descriptors is the exception that should be
 * retried, so it becomes a 503 TEMPORARILY_UNAVAILABLE.
 */
import { STATUS_CODES } from 'node:http';
import { MlflowError, type ErrorCode } from '../errors.js';

/** The body of every error the agent sends. */
export interface ErrorBody {
  error_code: ErrorCode;
  message: string;
}

/** An error as a reply: its HTTP status and body. */
export interface ErrorReply {
  status: number;
  body: ErrorBody;
  /** True for a fault of the agent (logged), false for a client's mistake or a refusal. */
  internal: boolean;
}

/** What is known of the request an error belongs to, for a precise message. */
export interface ErrorContext {
  /** The route's body limit in bytes (a body-too-large message names it). */
  bodyLimit?: number | undefined;
  /** The route, e.g. `POST /api/2.0/mlflow/runs/log-batch`. */
  route?: string | undefined;
}

/** `n` bytes in words: `1 MB`, `64 KB`, `300 bytes`. */
export function formatLimit(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n >> 20} MB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n >> 10} KB`;
  return `${n} bytes`;
}

function reply(code: ErrorCode, message: string, status = new MlflowError(code, '').status): ErrorReply {
  return { status, body: { error_code: code, message }, internal: status >= 500 && code !== 'TEMPORARILY_UNAVAILABLE' };
}

/** Error shapes from Node, Fastify and Ajv this function recognises. */
interface ErrorLike {
  code?: unknown;
  statusCode?: unknown;
  validation?: unknown;
  message?: unknown;
}

/** Node's and Fastify's client-error codes (parser refusals, timeouts, bodies), in MLflow terms. */
function fromCode(code: string, e: ErrorLike, ctx: ErrorContext): ErrorReply | null {
  switch (code) {
    case 'EMFILE':
    case 'ENFILE':
      return reply('TEMPORARILY_UNAVAILABLE', 'The agent has run out of file descriptors for the moment; retry shortly.');
    case 'HPE_HEADER_OVERFLOW':
      return reply('BAD_REQUEST', 'The request headers are larger than the agent accepts.', 431);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'FST_ERR_REQUEST_TIMEOUT':
      return reply('BAD_REQUEST', 'The request did not arrive in time; the agent closed the connection.', 408);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW': {
      const where = ctx.route ? ` for ${ctx.route}` : ' for this endpoint';
      const limit = ctx.bodyLimit !== undefined ? `: at most ${formatLimit(ctx.bodyLimit)}` : '';
      return reply('INVALID_PARAMETER_VALUE', `The request body is larger than the agent accepts${where}${limit}.`, 413);
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply('INVALID_PARAMETER_VALUE', 'Bad Request. Content-Type must be "application/json".');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return reply('INVALID_PARAMETER_VALUE', 'Bad Request. The request body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return reply('INVALID_PARAMETER_VALUE', 'Bad Request. Content-Length does not match the body.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return reply('BAD_REQUEST', `The request body is not valid JSON: ${String(e.message)}`);
    default:
      // the rest of llhttp's refusals: a malformed request line, header, chunk or method
      if (code.startsWith('HPE_')) return reply('BAD_REQUEST', `Malformed HTTP request (${code}).`);
      return null;
  }
}

/**
 * The reply for `err`, whatever threw it.
 * @param ctx the request it belongs to, when known
 */
export function errorReply(err: unknown, ctx: ErrorContext = {}): ErrorReply {
  if (err instanceof MlflowError) return reply(err.code, err.message);
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (e.validation) {
    // validation errors from validation.ts carry the MlflowError's message, prefixed by Fastify
    return reply('INVALID_PARAMETER_VALUE', message.replace(/^(body|querystring|params)\s*/, ''));
  }
  const mapped = typeof e.code === 'string' ? fromCode(e.code, e, ctx) : null;
  if (mapped) return mapped;
  if (err instanceof SyntaxError) return reply('BAD_REQUEST', `The request body is not valid JSON: ${message}`);
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) return reply('BAD_REQUEST', message);
  return reply('INTERNAL_ERROR', `Internal error: ${message}`);
}

/**
 * A whole HTTP/1.1 response carrying `r`, for a raw socket (no framework to write it): a
 * request the parser refused, a refused WebSocket upgrade. The connection is closed after it.
 */
export function rawErrorResponse(r: ErrorReply): string {
  const body = JSON.stringify(r.body);
  return (
    `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? 'Error'}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
