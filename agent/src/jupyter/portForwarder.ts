/**
 * A byte-for-byte TCP forwarder: what `lablog serve --jupyter` runs instead of a second agent
 * when one already serves the store. The Jupyter server proxies to the port it chose, and the
 * forwarder passes HTTP and WebSocket traffic to the running agent unchanged.
 */
import { connect, createServer, type Server } from 'node:net';

/**
 * Listens on `host:port` and forwards every connection to `target` (an `http://host:port` URL).
 * @returns the listening server; `close()` stops accepting (open connections end with their peers)
 */
export async function forwardPort(host: string, port: number, target: string): Promise<Server> {
  const t = new URL(target);
  const targetHost = t.hostname.replace(/^\[|\]$/g, '');
  const targetPort = Number(t.port || 80);
  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
