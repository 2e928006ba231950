/**
 * A writable stream into a new file that is on disk when the stream finishes. Flushing only at
 * the end would leave the whole file to be written back after the last byte arrived, so the
 * sink also starts a background fdatasync every `syncEvery` bytes: the disk writes the file
 * while the rest is still being received, and the final flush only has the tail left.
 * (An upload takes the time of the transfer plus a short tail, instead of transfer + writeback.)
 */
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** How a sink writes: piece sizes and how often a background flush starts. */
export interface DurableFileSinkOptions {
  /** Bytes the stream buffers before asking its source to wait. */
  highWaterMark: number;
  /** Bytes written since the last flush that start the next one (only one runs at a time). */
  syncEvery: number;
}

/** Writes every byte of `buffers` at the file's current offset, resuming after a short write. */
async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<number> {
  let total = 0;
  let pending = buffers;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending);
    if (bytesWritten === 0) throw new Error('The artifact file took no bytes (is the disk full?).');
    total += bytesWritten;
    let skip = bytesWritten;
    const rest: Buffer[] = [];
    for (const b of pending) {
      if (skip >= b.length) skip -= b.length;
      else {
        rest.push(skip > 0 ? b.subarray(skip) : b);
        skip = 0;
      }
    }
    pending = rest;
  }
  return total;
}

/** A Writable into an open file handle; finishing it means every byte is written and flushed. The caller closes the handle. */
export class DurableFileSink extends Writable {
  /** Bytes written to the file so far. */
  bytesWritten = 0;
  private syncedUpTo = 0;
  private syncing: Promise<void> | null = null;
  private syncError: unknown = null;

  constructor(
    private readonly handle: FileHandle,
    private readonly options: DurableFileSinkOptions,
  ) {
    super({ highWaterMark: options.highWaterMark });
  }

  /** Starts a background flush of what is written so far, unless one is running. */
  private maybeStartSync(): void {
    if (this.syncing !== null || this.bytesWritten - this.syncedUpTo < this.options.syncEvery) return;
    const upTo = this.bytesWritten;
    this.syncing = this.handle.datasync().then(
      () => {
        this.syncedUpTo = upTo;
        this.syncing = null;
      },
      (err: unknown) => {
        this.syncError = err;
        this.syncing = null;
      },
    );
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, done: (err?: Error | null) => void): void {
    if (this.syncError !== null) return done(this.syncError as Error);
    writeAll(
      this.handle,
      chunks.map((c) => c.chunk),
    ).then((n) => {
      this.bytesWritten += n;
      this.maybeStartSync();
      done();
    }, done);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this._writev([{ chunk }], done);
  }

  override _final(done: (err?: Error | null) => void): void {
    const flush = async () => {
      await this.syncing;
      if (this.syncError !== null) throw this.syncError;
      await this.handle.datasync();
    };
    flush().then(() => done(), done);
  }
}
