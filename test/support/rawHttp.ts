/**
 * Raw HTTP over a TCP socket, for tests of what a well-behaved client never sends: oversized
 * headers, malformed request lines, bodies trickled byte by byte.
 */
import { connect, type Socket } from 'node:net';

/** A response read off a raw socket. */
export interface RawResponse {
  status: number;
  statusText: string;
  headers: string;
  body: string;
}

/** Parses the first response in `text` (status line, headers, body up to Content-Length). */
export function parseResponse(text: string): RawResponse | null {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = text.slice(0, end);
  const m = /^HTTP\/1\.1 (\d{3}) ?([^\r\n]*)/.exec(head);
  if (!m) return null;
  const length = /content-length:\s*(\d+)/i.exec(head)?.[1];
  const body = text.slice(end + 4, length === undefined ? undefined : end + 4 + Number(length));
  return { status: Number(m[1]), statusText: m[2] ?? '', headers: head, body };
}

/** Opens a TCP connection to the host and port of `base` (`http://127.0.0.1:PORT`). */
export function openSocket(base: string): Promise<Socket> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port) }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Everything the server sends on `socket` until it closes the connection (or `timeoutMs` passes). */
export function readUntilClosed(socket: Socket, timeoutMs = 10_000): Promise<{ text: string; closed: boolean }> {
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ text, closed: false }), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.on('error', () => undefined);
  });
}

/** Sends `raw` on a new connection and reads the reply until the server closes it. */
export async function rawRequest(base: string, raw: string | Buffer, timeoutMs = 10_000): Promise<RawResponse & { closed: boolean }> {
  const socket = await openSocket(base);
  const reading = readUntilClosed(socket, timeoutMs);
  socket.write(raw);
  const { text, closed } = await reading;
  socket.destroy();
  const r = parseResponse(text);
  if (!r) throw new Error(`no HTTP response in ${JSON.stringify(text.slice(0, 200))}`);
  return { ...r, closed };
}
