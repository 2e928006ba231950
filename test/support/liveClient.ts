/**
 * A bare WebSocket client of the live channel for tests: it records every message and lets a
 * test wait for the one it expects. (The product's own client lives in client/; these tests
 * check the protocol itself.)
 */
import WebSocket from 'ws';
import type { ServerMessage } from '@lablog/schema';

/** A recording live-channel connection. */
export class LiveTestClient {
  readonly messages: ServerMessage[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Opens `/ws` on the agent at `base` (http URL) and waits for the welcome. */
  static async connect(base: string, opts: WebSocket.ClientOptions = {}, protocols: string[] = []): Promise<LiveTestClient> {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws`, protocols, opts);
    const c = new LiveTestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    await c.next((m) => m.type === 'welcome');
    return c;
  }

  /** Sends a message (an object is sent as JSON, a string as is). */
  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** The first recorded message (from index `from`) that matches, waiting up to `timeoutMs`. */
  async next<T extends ServerMessage = ServerMessage>(match: (m: ServerMessage) => boolean, timeoutMs = 5000, from = 0): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found as T;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Recorded event messages of one subscription. */
  events(sub: string): Extract<ServerMessage, { type: 'event' }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: 'event' }> => m.type === 'event' && m.sub === sub);
  }

  /** Closes the socket and waits for it to be closed. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
