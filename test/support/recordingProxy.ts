/**
 * An HTTP proxy in front of an agent that records every request (method, path, query, JSON
 * body) and can hide the `x-lablog-version` header, so a client takes the agent for a plain
 * MLflow server. Tests compare what a client sent with what MLflow's own client sends.
 */
import { createServer, type IncomingMessage } from 'node:http';

/** One recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Array<[string, string]>;
  /** Parsed JSON body, or null (no body, or not JSON). */
  json: unknown;
}

/** A running recording proxy. */
export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Starts a proxy forwarding to `target` (an http URL).
 * @param hideLablog drop the `x-lablog-version` response header (default true)
 */
export async function startRecordingProxy(target: string, hideLablog = true): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      const u = new URL(req.url ?? '/', 'http://proxy');
      let json: unknown = null;
      if (body.length > 0 && (req.headers['content-type'] ?? '').includes('json')) {
        try {
          json = JSON.parse(body.toString());
        } catch {
          json = null;
        }
      }
      requests.push({ method: req.method ?? 'GET', path: u.pathname, query: [...u.searchParams.entries()], json });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection' && k !== 'content-length') headers[k] = v;
      const init: RequestInit = { method: req.method ?? 'GET', headers };
      if (body.length > 0) init.body = body;
      const up = await fetch(`${target}${req.url}`, init);
      const out = Buffer.from(await up.arrayBuffer());
      const resHeaders: Record<string, string> = {};
      up.headers.forEach((v, k) => {
        if (k === 'content-length' || k === 'transfer-encoding' || k === 'connection' || k === 'content-encoding') return;
        if (hideLablog && k === 'x-lablog-version') return;
        resHeaders[k] = v;
      });
      res.writeHead(up.status, resHeaders).end(out);
    })().catch((err: unknown) => {
      res.writeHead(502).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
