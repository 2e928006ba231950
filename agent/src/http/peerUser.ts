/**
 * Who is on the other end of a loopback connection. On a shared machine every local user can
 * connect to 127.0.0.1, so the agent asks the kernel which user owns the client's socket and
 * serves only its own user (and root, who can read the store anyway).
 *
 * Linux: the client's end of an established loopback TCP connection is a line of
 * `/proc/net/tcp` (or `tcp6`) whose local port is the connection's remote port and whose remote
 * port is the agent's; that line carries the owner's uid. Where the kernel does not tell
 * (macOS, Windows), `peerUid` answers `undefined` and the agent cannot tell users apart: a token
 * is the protection there (README, "On a shared machine").
 */
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { MlflowError } from '../errors.js';

/** Whether the platform can tell the user behind a loopback connection. */
export const CAN_TELL_PEER = process.platform === 'linux';

const ESTABLISHED = '01';

/** The uid owning the client end of `socket`; null when not found; undefined where the platform cannot tell. */
export async function peerUid(socket: Socket): Promise<number | null | undefined> {
  if (!CAN_TELL_PEER) return undefined;
  const { remotePort, localPort } = socket;
  if (remotePort === undefined || localPort === undefined) return null;
  const table = socket.remoteFamily === 'IPv6' ? '/proc/net/tcp6' : '/proc/net/tcp';
  const text = await readFile(table, 'latin1');
  const want = `:${hex4(remotePort)} `;
  const peer = `:${hex4(localPort)} `;
  // columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
  for (let start = text.indexOf('\n') + 1; start > 0 && start < text.length; ) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? undefined : end);
    start = end < 0 ? -1 : end + 1;
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8 || cols[3] !== ESTABLISHED) continue;
    if (`${cols[1]} `.endsWith(want) && `${cols[2]} `.endsWith(peer)) return Number(cols[7]);
  }
  return null;
}

function hex4(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}

/** A connection check: resolves when the connection may be served, rejects with the reason otherwise. */
export type PeerCheck = (socket: Socket) => Promise<void>;

/**
 * The check that only `owner` (and root) reach the agent, remembered per socket (a keep-alive
 * connection is looked up once). Where the platform cannot tell the user, every connection passes.
 */
export function ownerOnly(owner: number): PeerCheck {
  const seen = new WeakMap<Socket, Promise<boolean>>();
  return async (socket) => {
    let verdict = seen.get(socket);
    if (!verdict) {
      verdict = peerUid(socket).then(
        (uid) => uid === undefined || uid === owner || uid === 0,
        () => false,
      );
      seen.set(socket, verdict);
    }
    if (!(await verdict)) {
      throw new MlflowError(
        'PERMISSION_DENIED',
        `This lablog agent serves only the user who started it (uid ${owner}). Start your own agent, or ask its owner to start it with a token (--token-file) and use that token.`,
      );
    }
  };
}
