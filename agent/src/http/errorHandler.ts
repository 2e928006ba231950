/**
 * The one place where errors become responses: `{error_code, message}` with the HTTP status
 * of the code (MLflow's mapping). A client mistake is always a 4xx, never a 5xx, because the
 * MLflow client retries 5xx responses five times.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MlflowError, invalidParameter, type ErrorCode } from '../errors.js';

function send(reply: FastifyReply, code: ErrorCode, status: number, message: string): FastifyReply {
  return reply.status(status).type('application/json').send({ error_code: code, message });
}

/** Fastify's own client-error codes, in MLflow terms. */
function fromFastify(err: FastifyError): MlflowError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return invalidParameter('Bad Request. Content-Type must be "application/json".');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidParameter('Bad Request. The request body is empty; send a JSON object.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return invalidParameter('The request body is larger than the agent accepts for this endpoint (log-batch: at most 1 MB).');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalidParameter('Bad Request. Content-Length does not match the body.');
    default:
      break;
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new MlflowError('BAD_REQUEST', `The request body is not valid JSON: ${err.message}`);
  }
  return null;
}

/** Installs the error handler and the JSON 404 on `app`. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | MlflowError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof MlflowError) return send(reply, err.code, err.status, err.message);
    if (err.validation) {
      // validation errors from validation.ts carry the MlflowError as their cause-less message
      return send(reply, 'INVALID_PARAMETER_VALUE', 400, err.message.replace(/^(body|querystring|params)\s*/, ''));
    }
    const mapped = fromFastify(err);
    if (mapped) return send(reply, mapped.code, mapped.status, mapped.message);
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return send(reply, 'BAD_REQUEST', 400, err.message);
    req.log.error({ err }, 'internal error');
    return send(reply, 'INTERNAL_ERROR', 500, `Internal error: ${err.message}`);
  });
  app.setNotFoundHandler((req, reply) =>
    send(reply, 'ENDPOINT_NOT_FOUND', 404, `No endpoint ${req.method} ${req.url.split('?')[0]} on this lablog agent.`),
  );
}
