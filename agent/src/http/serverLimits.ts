/**
 * What one client can hold of the agent's HTTP server: connections, time and memory. A client
 * that trickles its headers or body, opens connections by the hundred or sends large bodies
 * in parallel gets refused or cut off; the others keep being served.
 * - headers must arrive within `headersTimeoutMs` (Node's own check, answered with a 408);
 * - a body must arrive whole within `bodyTimeoutMs` of its headers, except an artifact upload,
 *   which may take as long as it needs while it makes progress: at least `uploadMinBytes` every
 *   `uploadIdleMs`;
 * - every connection that stays silent for `idleTimeoutMs` is closed;
 * - at most `maxConnections` connections at once: further ones get a 503 the MLflow client retries;
 * - at most `largeBodies` requests at once read a body larger than the default limit (a notebook
 *   snapshot, a dataset profile); the others wait their turn, after the security checks and
 *   before their body is read.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MlflowError } from '../errors.js';
import { DEFAULT_BODY_LIMIT, bodyLimitOf } from './bodyLimits.js';
import { errorReply, rawErrorResponse } from './errorReply.js';

/** Limits of the agent's HTTP server. */
export interface ServerLimits {
  /** Connections open at once, WebSockets included. Default 512. */
  maxConnections: number;
  /** Time to receive a request's headers. Default 20 s. */
  headersTimeoutMs: number;
  /** Time to receive a request's body once its headers arrived (not for artifact uploads). Default 120 s. */
  bodyTimeoutMs: number;
  /** An artifact upload must receive `uploadMinBytes` every this long. Default 60 s. */
  uploadIdleMs: number;
  /** See `uploadIdleMs`. Default 16 KB. */
  uploadMinBytes: number;
  /** A connection with no traffic either way for this long is closed. Default 120 s. */
  idleTimeoutMs: number;
  /** Requests reading a body larger than the default limit at once. Default 2. */
  largeBodies: number;
}

/** Defaults of ServerLimits. */
export const SERVER_LIMITS: ServerLimits = {
  maxConnections: 512,
  headersTimeoutMs: 20_000,
  bodyTimeoutMs: 120_000,
  uploadIdleMs: 60_000,
  uploadMinBytes: 16 * 1024,
  idleTimeoutMs: 120_000,
  largeBodies: 2,
};

/** Route config marking a streamed upload (its body goes to disk as it arrives). */
export interface UploadRouteConfig {
  streamedUpload?: boolean;
}

/** Answers `err` on a socket no route will answer, then closes it. */
function refuseSocket(socket: Socket, err: unknown): void {
  if (socket.destroyed) return;
  const cut = setTimeout(() => socket.destroy(), 1000);
  cut.unref();
  if (!socket.writable) return void socket.destroy();
  socket.write(rawErrorResponse(errorReply(err)), () => {
    clearTimeout(cut);
    socket.destroy();
  });
}

const TIMEOUT = { code: 'ERR_HTTP_REQUEST_TIMEOUT' };

/** Options for Fastify's constructor that put the limits in place on the server it creates. */
export function serverOptions(limits: ServerLimits) {
  return {
    // Node's own checks: headers (and, as it checks them, idle keep-alive connections)
    http: { headersTimeout: limits.headersTimeoutMs, requestTimeout: 0, connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs) },
    connectionTimeout: limits.idleTimeoutMs,
    // Node's total request timeout would cut long uploads too: bodies are timed below instead
    requestTimeout: 0,
  };
}

/** A counting semaphore whose waiters are served in order. */
class Gate {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  async enter(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * Puts the limits in place on `app` (before its routes are registered: route body limits are
 * set as routes are added) and on its HTTP server.
 */
export function installServerLimits(app: FastifyInstance, limits: ServerLimits): void {
  const server: Server = app.server;

  // connection cap: answered rather than dropped, so a client learns why and may retry
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open++;
    socket.once('close', () => open--);
    if (open > limits.maxConnections) {
      refuseSocket(socket, new MlflowError('TEMPORARILY_UNAVAILABLE', `The agent has ${limits.maxConnections} connections open, its most; retry shortly.`));
    }
  });

  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= bodyLimitOf(route.url);
  });

  const isUpload = (req: FastifyRequest) => (req.routeOptions.config as UploadRouteConfig | undefined)?.streamedUpload === true;
  const hasBody = (req: FastifyRequest) => req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;

  // Timed from the headers (before any check that may refuse the request: a refused request's
  // body is still read and dropped by Node, and must arrive in time too) until the body has
  // arrived whole; the request stream's end or close ends the timer.
  app.addHook('onRequest', async (req) => {
    if (!hasBody(req) || req.raw.complete) return;
    const socket = req.raw.socket;
    let timer: NodeJS.Timeout;
    if (isUpload(req)) {
      // an upload lives as long as it makes progress (counted on the socket: the body stream is left alone)
      let seen = socket.bytesRead;
      timer = setInterval(() => {
        if (socket.bytesRead - seen < limits.uploadMinBytes && !req.raw.complete) refuseSocket(socket, TIMEOUT);
        seen = socket.bytesRead;
      }, limits.uploadIdleMs);
    } else {
      timer = setTimeout(() => {
        if (!req.raw.complete) refuseSocket(socket, TIMEOUT);
      }, limits.bodyTimeoutMs);
    }
    timer.unref();
    const stop = () => clearInterval(timer); // clears a timeout too
    req.raw.once('end', stop);
    req.raw.once('close', stop);
  });

  // Large bodies take their turn once the request passed every check (an unauthenticated client
  // cannot hold a place); the place is kept until the reply is sent, as the parsed body lives as
  // long as the route runs.
  const large = new Gate(limits.largeBodies);
  app.addHook('preParsing', async (req, reply, payload) => {
    if (!hasBody(req) || isUpload(req) || (req.routeOptions.bodyLimit ?? DEFAULT_BODY_LIMIT) <= DEFAULT_BODY_LIMIT) return payload;
    let closed = false;
    reply.raw.once('close', () => (closed = true));
    await large.enter();
    if (closed) large.leave(); // gone while it waited
    else reply.raw.once('close', () => large.leave());
    return payload;
  });
}
