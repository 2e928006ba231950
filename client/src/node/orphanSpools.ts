/**
 * Spool files left by a client process that ended before the agent took everything (the agent
 * was down when the script finished, or the script was killed). A new client for the same
 * agent URL replays them: batches keep their original client id and sequence number, so a
 * batch the agent already stored is not stored twice.
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync, renameSync, unlinkSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Op } from '../ops.js';
import { readOps, type SpoolHeader } from './FileSpool.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHeader(fd: number): { header: SpoolHeader; bytes: number } | null {
  const buf = Buffer.alloc(4096);
  const got = readSync(fd, buf, 0, buf.length, 0);
  const nl = buf.indexOf(10);
  if (nl < 0 || nl >= got) return null;
  try {
    const header = JSON.parse(buf.toString('utf8', 0, nl)) as SpoolHeader;
    return header.lablog_spool === 1 ? { header, bytes: nl + 1 } : null;
  } catch {
    return null;
  }
}

/**
 * Replays the orphaned spool files in `dir` that were meant for `url`: each one is claimed
 * (renamed, so two new clients never both take it), its ops are handed to `take` in order,
 * then it is removed. Files of live processes, other hosts or other URLs are left alone.
 * @param take receives each op; it must make the op durable (queue or spool) before returning
 * @param settle called after each file's ops were taken and before the file is removed
 * @returns the number of files replayed
 */
export function adoptOrphans(dir: string, url: string, ownClientId: string, take: (op: Op) => void, settle: () => void): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0; // no spool folder: nothing left behind
  }
  let adopted = 0;
  for (const name of names) {
    if (!name.endsWith('.spool') || name === `${ownClientId}.spool`) continue;
    const path = join(dir, name);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      continue;
    }
    let claimed: string | null = null;
    try {
      const h = readHeader(fd);
      if (!h || h.header.url !== url || h.header.host !== hostname() || alive(h.header.pid)) continue;
      claimed = `${path}.adopted-${ownClientId}`;
      try {
        renameSync(path, claimed);
      } catch {
        claimed = null; // another client took it first
        continue;
      }
      const size = fstatSync(fd).size;
      let at = h.bytes;
      while (at < size) {
        const { ops, next } = readOps(fd, at, size, 1024);
        for (const op of ops) {
          delete op.offset;
          delete op.done;
          take(op);
        }
        if (next <= at) break;
        at = next;
      }
      settle();
      adopted++;
    } finally {
      closeSync(fd);
      if (claimed) {
        try {
          unlinkSync(claimed);
        } catch {
          // already gone
        }
      }
    }
  }
  return adopted;
}
