/**
 * What the client may use where it runs. The core needs only fetch, WebSocket and timers;
 * everything Node-only (the `ws` package on Node 20, the file spool, reading artifact files,
 * keeping the process alive or not) is reached through here, behind a runtime check and a
 * dynamic import, so the same build loads in Deno and in browsers.
 */

interface ProcessLike {
  env?: Record<string, string | undefined>;
  versions?: { node?: string };
  argv?: string[];
  on?(event: 'exit', listener: () => void): unknown;
  off?(event: 'exit', listener: () => void): unknown;
}

const proc = (globalThis as { process?: ProcessLike }).process;

/** True where `node:` modules can be imported (Node, Deno, Bun). */
export const hasNodeModules = typeof proc?.versions?.node === 'string';

/** True in Node itself, where the `ws` package is used (Deno and Bun have WebSockets of their own). */
export const isNodeProper = hasNodeModules && !('Deno' in globalThis) && !('Bun' in globalThis);

/** An environment variable, or undefined (also where there is no environment, or no permission to read it). */
export function env(name: string): string | undefined {
  try {
    const v = proc?.env?.[name];
    if (v) return v;
  } catch {
    // Deno without --allow-env throws
  }
  try {
    const deno = (globalThis as { Deno?: { env?: { get(n: string): string | undefined } } }).Deno;
    return deno?.env?.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/** The script being run (Node's `process.argv[1]`), for the `mlflow.source.name` tag. */
export function scriptPath(): string | undefined {
  return proc?.argv?.[1];
}

/** Registers `fn` to run synchronously when the process exits; returns the function that removes it. */
export function onProcessExit(fn: () => void): () => void {
  if (!proc?.on || !proc.off) return () => {};
  proc.on('exit', fn);
  return () => proc.off?.('exit', fn);
}

/** Lets the process exit while `handle` (a Node timer or socket) is still open, or not. */
export function setRef(handle: unknown, keepAlive: boolean): void {
  const h = handle as { ref?: () => void; unref?: () => void } | null | undefined;
  if (keepAlive) h?.ref?.();
  else h?.unref?.();
}

/** The minimal WebSocket surface the client uses (browser WebSocket and `ws` both have it). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Options of the `ws` package's WebSocket that the client sets. */
interface WsOptions {
  headers: Record<string, string>;
  generateMask: (mask: Uint8Array) => void;
}

/** Opens a WebSocket to `url`. */
export type WebSocketFactory = (url: string, headers: Record<string, string>) => WebSocketLike;

/**
 * The WebSocket to use: in Node, the `ws` package (Node 20 has no WebSocket, and only `ws`
 * sends headers such as a token and lets the process exit while its socket is open); elsewhere
 * the runtime's own.
 */
export async function webSocketFactory(): Promise<WebSocketFactory> {
  const Native = (globalThis as { WebSocket?: new (url: string, protocols?: string[]) => WebSocketLike }).WebSocket;
  if (Native && !isNodeProper) return (url, headers) => new Native(url, tokenProtocols(headers));
  const spec = 'ws';
  let WS: (new (url: string, opts: WsOptions) => WebSocketLike) | undefined;
  try {
    const mod = (await import(/* webpackIgnore: true */ /* @vite-ignore */ spec)) as {
      WebSocket?: new (url: string, opts: WsOptions) => WebSocketLike;
      default?: new (url: string, opts: WsOptions) => WebSocketLike;
    };
    WS = mod.WebSocket ?? mod.default;
  } catch {
    WS = undefined;
  }
  if (!WS) {
    if (Native) return (url, headers) => new Native(url, tokenProtocols(headers));
    throw new Error('lablog: no WebSocket in this runtime and the ws package could not be loaded');
  }
  const Ws = WS;
  // An all-zero mask makes ws skip masking. Masking protects proxies from scripts in a
  // browser page; this is not a browser, and masking every byte costs a tenth of ingest.
  return (url, headers) => new Ws(url, { headers, generateMask: () => {} });
}

/**
 * Browsers cannot set headers on a WebSocket: a token goes as the subprotocol
 * `lablog.bearer64.<base64url of the token>`, offered beside `lablog` (the one the agent answers
 * with). Encoded because a subprotocol may only hold token characters: a token with `/`, `=`
 * or `+` would make the browser's WebSocket constructor throw.
 */
function tokenProtocols(headers: Record<string, string>): string[] | undefined {
  const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
  if (!token) return undefined;
  const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(token)));
  return ['lablog', `lablog.bearer64.${b64.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}`];
}

/** The underlying Node socket of a `ws` WebSocket, for letting the process exit while it is open. */
export function nodeSocketOf(ws: WebSocketLike): unknown {
  return (ws as { _socket?: unknown })._socket;
}
