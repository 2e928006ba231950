/**
 * Errors of REST requests become responses here, through errorReply (the one function that
 * turns an error into a status and an MLflow body), with the route's own body limit named.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MlflowError } from '../errors.js';
import { errorReply } from './errorReply.js';

/** Installs the error handler and the JSON 404 on `app`. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const route = req.routeOptions.url ? `${req.method} ${req.routeOptions.url}` : undefined;
    const r = errorReply(err, { route, bodyLimit: req.routeOptions.bodyLimit });
    if (r.internal) req.log.error({ err }, 'internal error');
    return reply.status(r.status).type('application/json').send(r.body);
  });
  app.setNotFoundHandler((req, reply) => {
    const r = errorReply(new MlflowError('ENDPOINT_NOT_FOUND', `No endpoint ${req.method} ${req.url.split('?')[0]} on this lablog agent.`));
    return reply.status(r.status).type('application/json').send(r.body);
  });
}
