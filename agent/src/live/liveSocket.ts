/**
 * `/ws` on the agent's own HTTP server (ws in noServer mode): upgrades pass the same Host,
 * Origin and token checks as REST requests, and a server heartbeat closes dead sockets.
 */
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { BATCH_LIMITS } from '@lablog/schema';
import { MlflowError } from '../errors.js';
import { errorReply, rawErrorResponse } from '../http/errorReply.js';
import type { PeerCheck } from '../http/peerUser.js';
import type { RequestGuard } from '../http/security.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import { Hub } from './Hub.js';
import type { LiveAccess } from './LiveAccess.js';
import { LiveConnection, type FlowLimits } from './LiveConnection.js';

/** Options of the live channel. */
export interface LiveOptions extends FlowLimits {
  /** Interval of server pings; a socket that missed one pong by the next is closed. */
  heartbeatMs: number;
  /** How much recent history (event JSON) is kept for subscribers that resume. */
  ringBytes: number;
  /**
   * Largest frame a client may send; a larger one closes the connection (1009). Log messages
   * have the REST log-batch limit (`maxLogBytes`), answered per message: this only bounds what
   * one frame may cost before it can be answered.
   */
  maxMessageBytes: number;
  /** WebSocket connections open at once; a further upgrade gets a 503. */
  maxConnections: number;
  /** Bytes of snapshots on their way out at once, over every connection; further snapshots wait. */
  snapshotBudgetBytes: number;
}

/** Defaults of the live channel. */
export const LIVE_DEFAULTS: LiveOptions = {
  heartbeatMs: 30_000,
  ringBytes: 64 * 1024 * 1024,
  maxMessageBytes: 4 * BATCH_LIMITS.bytes,
  maxLogBytes: BATCH_LIMITS.bytes,
  highWaterBytes: 8 * 1024 * 1024,
  lowWaterBytes: 1024 * 1024,
  stallTimeoutMs: 60_000,
  maxConnections: 128,
  maxSubscriptions: 64,
  maxSnapshotBytes: 128 * 1024 * 1024,
  snapshotBudgetBytes: 256 * 1024 * 1024,
  maxLogsInFlight: 16,
};

/** The subprotocol name of the live channel. */
const SUBPROTOCOL = 'lablog';
/**
 * Browsers cannot set Authorization on a WebSocket: they offer the token as a subprotocol,
 * `lablog.bearer64.<base64url of the token>` (any token), or `lablog.bearer.<token>` (older
 * clients; only tokens made of the characters a subprotocol allows).
 */
const TOKEN_PROTOCOL_PREFIX = 'lablog.bearer.';
const TOKEN64_PROTOCOL_PREFIX = 'lablog.bearer64.';

/** The upgrade's headers, with a token offered as a subprotocol moved to Authorization. */
function withSubprotocolToken(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  if (headers.authorization) return headers;
  const offered = (headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const encoded = offered.find((p) => p.startsWith(TOKEN64_PROTOCOL_PREFIX));
  if (encoded) return { ...headers, authorization: `Bearer ${Buffer.from(encoded.slice(TOKEN64_PROTOCOL_PREFIX.length), 'base64url').toString('utf8')}` };
  const plain = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
  return plain ? { ...headers, authorization: `Bearer ${plain.slice(TOKEN_PROTOCOL_PREFIX.length)}` } : headers;
}

/** How long closing sockets get to finish their close handshake when the agent stops. */
const CLOSE_GRACE_MS = 500;

/** The live channel attached to a server. */
export interface LiveChannel {
  readonly hub: Hub;
  /** Number of open sockets. */
  readonly size: number;
  /** Closes every socket (1001 going away; cut after a short grace) and stops the heartbeat. */
  close(): Promise<void>;
}

/**
 * Serves `/ws` (and `<prefix>/ws` for each extra prefix) on `server`.
 * @param guard the request check REST uses; it throws an MlflowError to refuse
 * @param isLivePath which upgrade paths are the channel (default: `/ws` only; the agent adds `/nb/<session>/ws`)
 * @param peerCheck the connection check REST uses (who is connecting), when there is one
 * @param signIn on a server with users: who the upgrade's credentials name, as their live
 *   permissions (it throws UNAUTHENTICATED to refuse); the headers have a subprotocol token moved to Authorization
 */
export function attachLiveChannel(
  server: Server,
  store: TrackingStore,
  guard: RequestGuard,
  opts: LiveOptions,
  isLivePath: (path: string) => boolean = (path) => path === '/ws',
  peerCheck?: PeerCheck,
  signIn?: (headers: IncomingHttpHeaders, address: string | undefined) => Promise<LiveAccess>,
): LiveChannel {
  const hub = new Hub(store.feed, (scope) => store.scopeState(scope), opts.ringBytes, opts.snapshotBudgetBytes);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: opts.maxMessageBytes,
    // never echo the token subprotocol; a browser that offered `lablog` gets it back
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const alive = new WeakMap<WebSocket, boolean>();

  const refuse = (socket: Duplex, err: unknown) => {
    socket.end(rawErrorResponse(errorReply(err)));
  };

  let checking = 0; // upgrades whose peer check is under way
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!isLivePath(path)) return refuse(socket, new MlflowError('ENDPOINT_NOT_FOUND', `No WebSocket endpoint at ${path}; use /ws.`));
    const headers = withSubprotocolToken(req.headers);
    try {
      guard(headers, path);
    } catch (err) {
      return refuse(socket, err);
    }
    // upgrades still being checked count too: they may all be accepted
    if (wss.clients.size + checking >= opts.maxConnections) {
      return refuse(socket, new MlflowError('TEMPORARILY_UNAVAILABLE', `The agent has ${opts.maxConnections} live connections open, its most; retry shortly.`));
    }
    const accept = (access?: LiveAccess) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        alive.set(ws, true);
        ws.on('pong', () => alive.set(ws, true));
        new LiveConnection(ws, hub, store, opts, access);
      });
    if (!peerCheck && !signIn) return accept();
    checking++;
    (async () => {
      await peerCheck?.(req.socket);
      return signIn?.(headers, req.socket.remoteAddress);
    })()
      .finally(() => checking--)
      .then(accept, (err: unknown) => refuse(socket, err));
  };
  server.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, opts.heartbeatMs);
  heartbeat.unref();

  return {
    hub,
    get size() {
      return wss.clients.size;
    },
    async close() {
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      hub.close();
      for (const ws of wss.clients) ws.close(1001, 'agent stopping');
      const deadline = Date.now() + CLOSE_GRACE_MS;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
