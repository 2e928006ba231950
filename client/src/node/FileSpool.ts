/**
 * The spool file (Node, Deno): `<spoolDir>/<clientId>.spool`, created on first use. A header
 * line names its owner (client id, agent URL, pid, host); then one operation a line, in order
 * (see ops.ts). Written synchronously so a loop that never yields still spills, and so the
 * process's exit handler can write what is left. Deleted as soon as everything in it is stored.
 */
import { Buffer } from 'node:buffer';
import { closeSync, mkdirSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { opFromLine, opToLine, type Op } from '../ops.js';
import type { Spool } from '../Spool.js';

/** First line of a spool file. */
export interface SpoolHeader {
  lablog_spool: 1;
  client: string;
  url: string;
  pid: number;
  host: string;
}

const CHUNK = 1 << 20;

/**
 * Reads complete op lines from `fd` starting at byte `from`, up to `max` ops or `to`.
 * Lines that are not ops (a torn last line after a crash) are skipped.
 * @returns the ops (each with its `offset`) and the offset after the last line read
 */
export function readOps(fd: number, from: number, to: number, max: number): { ops: Op[]; next: number } {
  const ops: Op[] = [];
  let cursor = from;
  let size = Math.min(CHUNK, to - cursor);
  while (ops.length < max && cursor < to) {
    const buf = Buffer.allocUnsafe(size);
    const got = readSync(fd, buf, 0, size, cursor);
    if (got === 0) return { ops, next: to }; // the file is shorter than we knew: nothing more to read
    let start = 0;
    while (ops.length < max) {
      const nl = buf.indexOf(10, start);
      if (nl < 0 || nl >= got) break;
      try {
        const op = opFromLine(buf.toString('utf8', start, nl));
        op.offset = cursor + start;
        ops.push(op);
      } catch {
        // not an op: skipped
      }
      start = nl + 1;
    }
    if (start === 0) {
      if (cursor + got >= to) return { ops, next: to }; // a last line without its newline: torn
      size *= 2; // one line longer than the chunk
      continue;
    }
    cursor += start;
    size = Math.min(Math.max(size, CHUNK), to - cursor);
  }
  return { ops, next: cursor };
}

/** A spool file. */
export class FileSpool implements Spool {
  private fd: number | null = null;
  private end = 0;
  private cursor = 0;
  private headerBytes = 0;
  private createdDir = false;
  private readonly header: string;
  readonly file: string;

  /**
   * @param dir the spool folder (created when the first op is written)
   * @param clientId names the file
   * @param url the agent the ops are for (another process only replays a spool for the same URL)
   */
  constructor(
    private readonly dir: string,
    clientId: string,
    url: string,
  ) {
    this.file = join(dir, `${clientId}.spool`);
    this.header = `${JSON.stringify({ lablog_spool: 1, client: clientId, url, pid: process.pid, host: hostname() } satisfies SpoolHeader)}\n`;
  }

  private open(): number {
    if (this.fd !== null) return this.fd;
    if (mkdirSync(this.dir, { recursive: true }) !== undefined) this.createdDir = true;
    const fd = openSync(this.file, 'w+');
    this.headerBytes = writeSync(fd, this.header, 0, 'utf8');
    this.end = this.cursor = this.headerBytes;
    this.fd = fd;
    return fd;
  }

  append(ops: readonly Op[]): void {
    const fd = this.open();
    let text = '';
    let at = this.end;
    for (const op of ops) {
      const line = opToLine(op);
      op.offset = at;
      at += Buffer.byteLength(line);
      text += line;
    }
    let written = 0;
    const bytes = Buffer.from(text);
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, this.end + written);
    this.end = at;
  }

  read(max: number): Op[] {
    if (this.fd === null || this.cursor >= this.end) return [];
    const { ops, next } = readOps(this.fd, this.cursor, this.end, max);
    this.cursor = next;
    return ops;
  }

  seek(offset: number): void {
    this.cursor = Math.max(this.headerBytes, Math.min(offset, this.end));
  }

  seekEnd(): void {
    this.cursor = this.end;
  }

  atEnd(): boolean {
    return this.cursor >= this.end;
  }

  clear(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    this.end = this.cursor = this.headerBytes = 0;
    try {
      unlinkSync(this.file);
    } catch {
      // already gone
    }
  }

  close(): boolean {
    const kept = this.fd !== null && this.end > this.headerBytes;
    if (this.fd !== null && !kept) this.clear();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (!kept && this.createdDir) {
      try {
        rmdirSync(this.dir); // only when empty: another client's spool may be there
      } catch {
        // not empty, or already gone
      }
    }
    return kept;
  }
}
