/**
 * One agent per store, held by the operating system: the lock is an object the kernel frees
 * when the holding process dies, however it dies (`kill -9`, a crash, a container stop), so no
 * pid is ever guessed and a stale lock cannot exist.
 *
 * - Linux: a listening Unix socket in the abstract namespace, named after the store
 *   (`StoreIdentity`). `bind` is atomic, so of two agents started at the same moment exactly one
 *   gets it; the kernel closes it with the process's files, before the process is even reaped.
 *   The holder answers connections with its pid and URL, for the refusal message.
 * - Windows: a named pipe with the same name, same properties.
 * - macOS and the BSDs: `open(2)` with `O_EXLOCK | O_NONBLOCK` on `agent.lock`, a flock(2)
 *   lock on the open file.
 * The lock is per machine: agents on two machines sharing a network folder are not kept apart.
 */
import { closeSync, openSync, constants as fsConstants } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { MlflowError } from '../errors.js';
import { storeIdentity } from './storeIdentity.js';

/** A held store lock. */
export interface StoreLock {
  /** Tells agents refused by this lock where the holder serves (shown in their message). */
  announce(url: string): void;
  /** Frees the lock; safe to call twice. */
  release(): Promise<void>;
}

/** What the holder tells a refused agent. */
interface HolderInfo {
  pid: number;
  url: string | null;
}

// flock through open(2) flags, where the platform has them (Node does not export them everywhere)
const O_EXLOCK = process.platform === 'darwin' || process.platform.endsWith('bsd') ? 0x20 : 0;
const O_NONBLOCK = process.platform === 'darwin' || process.platform.endsWith('bsd') ? 0x4 : 0;

function inUse(dir: string, holder: HolderInfo | null): MlflowError {
  const who = holder ? `the lablog agent with pid ${holder.pid}${holder.url ? ` at ${holder.url}` : ''}` : 'another lablog agent';
  return new MlflowError('INVALID_STATE', `the store ${dir} is in use by ${who}; stop it first, or use another --store`);
}

/**
 * Takes the lock of the store at `dir` (which must exist).
 * @throws MlflowError(INVALID_STATE) when a live agent holds it
 */
export async function acquireStoreLock(dir: string): Promise<StoreLock> {
  if (O_EXLOCK !== 0) return fileLock(dir);
  const id = await storeIdentity(dir);
  const name = process.platform === 'win32' ? `\\\\.\\pipe\\lablog-${id}` : `\0lablog-${id}`;
  return socketLock(dir, name);
}

async function socketLock(dir: string, name: string): Promise<StoreLock> {
  let url: string | null = null;
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end(JSON.stringify({ pid: process.pid, url } satisfies HolderInfo));
  });
  server.unref(); // the lock alone never keeps a process alive
  const bound = await new Promise<boolean>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(false) : reject(err)));
    server.listen({ path: name, exclusive: true }, () => resolve(true));
  });
  if (!bound) throw inUse(dir, await askHolder(name));
  let released: Promise<void> | null = null;
  return {
    announce(u) {
      url = u;
    },
    release() {
      released ??= new Promise((resolve) => server.close(() => resolve()));
      return released;
    },
  };
}

/** Asks the holder of `name` who it is; null when it does not say within a second. */
function askHolder(name: string): Promise<HolderInfo | null> {
  return new Promise((resolve) => {
    let text = '';
    const socket = createConnection({ path: name });
    const done = (info: HolderInfo | null): void => {
      socket.destroy();
      resolve(info);
    };
    socket.setTimeout(1000, () => done(null));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.length > 4096) done(null);
    });
    socket.on('error', () => done(null));
    socket.on('end', () => {
      try {
        const o = JSON.parse(text) as Partial<HolderInfo>;
        done(typeof o.pid === 'number' ? { pid: o.pid, url: typeof o.url === 'string' ? o.url : null } : null);
      } catch {
        done(null);
      }
    });
  });
}

function fileLock(dir: string): StoreLock {
  const path = join(dir, 'agent.lock');
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDWR | fsConstants.O_CREAT | O_EXLOCK | O_NONBLOCK, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EAGAIN' || (err as NodeJS.ErrnoException).code === 'EWOULDBLOCK') throw inUse(dir, null);
    throw err;
  }
  let released = false;
  return {
    announce() {
      // flock has no way to answer; the refusal message names no pid
    },
    release() {
      if (!released) {
        released = true;
        closeSync(fd);
      }
      return Promise.resolve();
    },
  };
}
