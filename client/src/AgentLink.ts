/**
 * The connection to the tracking server. It finds out what the server is (`GET /health`: a
 * lablog agent answers with `x-lablog-version`), then for a lablog agent opens the live
 * channel (`/ws`) and waits for its welcome; a plain MLflow server is used over REST only.
 * When the connection is lost it tries again with jittered exponential backoff, forever,
 * without keeping a Node process alive unless told to (`setKeepAlive`).
 */
import type { ServerMessage } from '@lablog/schema';
import { Backoff } from './backoff.js';
import type { RestClient } from './RestClient.js';
import { nodeSocketOf, setRef, webSocketFactory, type WebSocketFactory, type WebSocketLike } from './runtime.js';

/** Where the link stands. `live`: lablog agent, socket open; `rest`: server reachable, REST only. */
export type LinkState = 'idle' | 'connecting' | 'live' | 'rest' | 'down' | 'closed';

/** Receives the link's changes and the live channel's messages. */
export interface LinkListener {
  /** The server can be used (state `live` or `rest`). */
  onUp?(): void;
  /** The server was lost, or an attempt to reach it failed; whatever was sent and not acknowledged must be sent again. */
  onDown?(): void;
  /** A message from the live channel. */
  onMessage?(msg: ServerMessage): void;
}

/** Options of the link. */
export interface LinkOptions {
  /** `auto`: the live channel when the server is a lablog agent; `rest`: REST only, as MLflow's own client. */
  transport: 'auto' | 'rest';
  /** How long the probe and the socket's welcome may take. */
  connectTimeoutMs: number;
}

/** The connection to the server. */
export class AgentLink {
  private current: LinkState = 'idle';
  private lablog: boolean | null = null;
  private socket: WebSocketLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff = new Backoff();
  private readonly listeners = new Set<LinkListener>();
  private settleWaiters: Array<() => void> = [];
  private factory: Promise<WebSocketFactory> | null = null;
  private keepAlive = false;

  constructor(
    private readonly rest: RestClient,
    private readonly opts: LinkOptions,
  ) {}

  /** The current state. */
  get state(): LinkState {
    return this.current;
  }

  /** True when the server is known to be a lablog agent. */
  get isLablog(): boolean {
    return this.lablog === true;
  }

  /** True when runs are created with client-chosen ids (lablog agent, `auto` transport, or server not known yet). */
  get clientRunIds(): boolean {
    return this.opts.transport === 'auto' && this.lablog !== false;
  }

  /** Adds a listener; returns the function that removes it. */
  listen(l: LinkListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Starts connecting (once). */
  start(): void {
    if (this.current === 'idle') void this.attempt();
  }

  /** Resolves once the first attempt has an outcome, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void> {
    this.start();
    if (this.current !== 'connecting') return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.settleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Sends a text frame on the live channel; false when it is not open. */
  send(text: string): boolean {
    if (this.current !== 'live' || !this.socket) return false;
    this.socket.send(text);
    return true;
  }

  /** Whether the link (its socket and retry timer) keeps a Node process alive. */
  setKeepAlive(on: boolean): void {
    if (on === this.keepAlive) return;
    this.keepAlive = on;
    setRef(this.retryTimer, on);
    if (this.socket) setRef(nodeSocketOf(this.socket), on);
  }

  /** The server failed a request or stopped acknowledging: drop the connection and try again later. */
  broken(): void {
    if (this.current !== 'live' && this.current !== 'rest') return;
    const ws = this.socket as (WebSocketLike & { terminate?: () => void }) | null;
    this.socket = null;
    // a server that stopped answering would not finish a close handshake either
    if (ws?.terminate) ws.terminate();
    else ws?.close(4000, 'client reconnecting');
    this.lost();
  }

  /** Closes the link for good. */
  close(): void {
    const wasUp = this.current === 'live' || this.current === 'rest';
    this.current = 'closed';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ws = this.socket;
    this.socket = null;
    ws?.close(1000, 'client closed');
    if (wasUp) for (const l of this.listeners) l.onDown?.();
    this.settle();
  }

  private settle(): void {
    for (const w of this.settleWaiters.splice(0)) w();
  }

  private async attempt(): Promise<void> {
    this.retryTimer = null;
    this.current = 'connecting';
    try {
      const probe = await this.rest.probe(this.opts.connectTimeoutMs);
      if (this.current !== 'connecting') return;
      this.lablog = probe.lablogVersion !== null;
      let ws: WebSocketLike | null = null;
      if (this.opts.transport === 'auto' && (this.lablog || probe.headersHidden)) {
        try {
          ws = await this.openSocket();
          this.lablog = true;
        } catch (err) {
          // a header we could not see proved nothing: no live channel means a plain MLflow server
          if (this.lablog) throw err;
        }
      }
      if (this.current !== 'connecting') {
        ws?.close(1000, 'client closed');
        return;
      }
      this.socket = ws;
      this.current = ws ? 'live' : 'rest';
      this.backoff.reset();
      this.settle();
      for (const l of this.listeners) l.onUp?.();
    } catch {
      if (this.current !== 'connecting') return;
      this.current = 'down';
      this.settle();
      for (const l of this.listeners) l.onDown?.();
      this.retryLater();
    }
  }

  private retryLater(): void {
    if (this.current === 'closed' || this.retryTimer) return;
    this.retryTimer = setTimeout(() => void this.attempt(), this.backoff.next());
    setRef(this.retryTimer, this.keepAlive);
  }

  private lost(): void {
    this.current = 'down';
    for (const l of this.listeners) l.onDown?.();
    this.retryLater();
  }

  private async openSocket(): Promise<WebSocketLike> {
    const headers = this.rest.authHeaders;
    this.factory ??= webSocketFactory();
    const make = await this.factory;
    const ws = make(this.rest.wsUrl, headers);
    return new Promise<WebSocketLike>((resolve, reject) => {
      let welcomed = false;
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error('no welcome from the live channel'));
      }, this.opts.connectTimeoutMs);
      ws.onmessage = (ev) => {
        let msg: ServerMessage;
        try {
          msg = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data)) as ServerMessage;
          if (typeof msg !== 'object' || msg === null || typeof msg.type !== 'string') return;
        } catch {
          return; // not a protocol message: ignored
        }
        if (!welcomed) {
          if (msg.type !== 'welcome') return;
          welcomed = true;
          clearTimeout(timer);
          setRef(nodeSocketOf(ws), this.keepAlive);
          resolve(ws);
          return;
        }
        for (const l of this.listeners) l.onMessage?.(msg);
      };
      ws.onerror = () => {}; // a close follows
      ws.onclose = () => {
        clearTimeout(timer);
        if (!welcomed) reject(new Error('the live channel closed before its welcome'));
        else if (this.socket === ws) {
          this.socket = null;
          this.lost();
        }
      };
    });
  }
}
