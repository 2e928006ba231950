/**
 * Requests Node's HTTP parser refuses before any route sees them (headers too large, a
 * malformed request line, a request that did not arrive in time): they get an MLflow JSON body
 * like every other error, written straight on the socket, which is then closed.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorReply, rawErrorResponse } from './errorReply.js';

/** The `clientError` handler of the agent's HTTP server (Fastify's `clientErrorHandler` option). */
export function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // a reset connection has nobody left to answer
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // as Node does: no error response over a response already under way
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) socket.write(rawErrorResponse(errorReply(err)));
  socket.destroy();
}
