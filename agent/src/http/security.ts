/**
 * Local-by-default protections (DESIGN §2.4), checked before any route:
 * - Host must name the agent (DNS rebinding): loopback names, the bound address, this machine's name;
 * - a browser request (one with an Origin) must come from an allowed origin (CSRF): loopback
 *   origins on any port, the agent's own origin, and those given with --allow-origin;
 * - when a token is set, every request but /health and the page's own files carries `Authorization: Bearer <token>`.
 * The same checks guard WebSocket upgrades.
 *
 * Behind JupyterLab (jupyter-server-proxy under `<base_url>lablog/`) a request keeps the
 * browser's Host and Origin, Jupyter's; the proxy adds `x-lablog-proxy: <secret>`, a secret
 * only the Jupyter server that started the agent (or read its store's agent.json) knows. Such a
 * request passed Jupyter's own authentication: its Host is accepted and it needs no token; its
 * Origin must still be the Host's own (jupyter-server-proxy leaves XSRF to the proxied app).
 */
import { timingSafeEqual } from 'node:crypto';
import { hostname } from 'node:os';
import type { IncomingHttpHeaders } from 'node:http';
import { MlflowError } from '../errors.js';

/** What the security checks need to know. */
export interface SecurityOptions {
  /** The address the agent is bound to. */
  host: string;
  /** Origins allowed besides loopback ones, e.g. `https://lab.example.org`. */
  allowOrigins: readonly string[];
  /** Bearer token required on every request, when set. */
  token?: string | undefined;
  /** Paths served without the token besides /health (the page's files, which hold no data). */
  tokenFree?: (path: string) => boolean;
  /** The secret the Jupyter server's proxy sends as `x-lablog-proxy` (none: no proxied request is trusted). */
  proxySecret?: string | undefined;
}

/** The header the Jupyter server's proxy adds to the requests it forwards. */
export const PROXY_SECRET_HEADER = 'x-lablog-proxy';

function sameSecret(given: string | string[] | undefined, secret: Buffer | null): boolean {
  if (!secret || typeof given !== 'string') return false;
  const g = Buffer.from(given);
  return g.length === secret.length && timingSafeEqual(g, secret);
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** True for loopback addresses and names. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host) || host.endsWith('.localhost');
}

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return (colon >= 0 ? hostHeader.slice(0, colon) : hostHeader).toLowerCase();
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && isLoopback(u.hostname);
  } catch {
    return false;
  }
}

/** True for a browser origin allowed besides the agent's own: loopback ones and `allowOrigins`. */
export function originCheck(allowOrigins: readonly string[]): (origin: string) => boolean {
  const origins = new Set(allowOrigins.map((o) => o.replace(/\/+$/, '')));
  return (origin) => isLoopbackOrigin(origin) || origins.has(origin);
}

/** A request check: it throws an MlflowError (403 or 401) for a refused request. */
export type RequestGuard = (headers: IncomingHttpHeaders, path: string, method?: string) => void;

/** Builds the request check. CORS preflights (OPTIONS) carry no credentials and skip the token. */
export function requestGuard(opts: SecurityOptions): RequestGuard {
  const wildcard = opts.host === '0.0.0.0' || opts.host === '::' || opts.host === '[::]';
  const hosts = new Set([...LOOPBACK_NAMES, opts.host.toLowerCase(), hostname().toLowerCase()]);
  const allowedOrigin = originCheck(opts.allowOrigins);
  const token = opts.token ? Buffer.from(`Bearer ${opts.token}`) : null;
  const proxySecret = opts.proxySecret ? Buffer.from(opts.proxySecret) : null;

  return (headers, path, method) => {
    const host = headers.host;
    if (!host) throw new MlflowError('PERMISSION_DENIED', 'Request refused: it has no Host header.');
    const proxied = sameSecret(headers[PROXY_SECRET_HEADER], proxySecret);
    if (!proxied && !wildcard && !hosts.has(hostnameOf(host)) && !isLoopback(hostnameOf(host))) {
      throw new MlflowError('PERMISSION_DENIED', `Request refused: Host '${host}' is not this agent's (protection against DNS rebinding).`);
    }
    const origin = headers.origin;
    if (origin !== undefined) {
      const own = origin === `http://${host}` || origin === `https://${host}`;
      if (!own && !allowedOrigin(origin)) {
        throw new MlflowError('PERMISSION_DENIED', `Request refused: origin '${origin}' is not allowed. Start the agent with --allow-origin ${origin} to allow it.`);
      }
    }
    if (token && !proxied && path !== '/health' && method !== 'OPTIONS' && !opts.tokenFree?.(path)) {
      const given = Buffer.from(headers.authorization ?? '');
      if (given.length !== token.length || !timingSafeEqual(given, token)) {
        throw new MlflowError('UNAUTHENTICATED', 'This agent requires a token: send Authorization: Bearer <token> (MLFLOW_TRACKING_TOKEN for the MLflow client).');
      }
    }
  };
}
