/**
 * An append-only file written through the group committer: an append resolves once its bytes
 * are on disk, and a failed one is cut off again, so the file always ends with the last
 * committed byte. Readers use `size`, which only ever covers whole, durable appends.
 */
import { constants } from 'node:fs';
import { open, truncate, type FileHandle } from 'node:fs/promises';
import type { AppendTarget, GroupCommitter } from './GroupCommitter.js';
import { OPEN_FILES, type Closable, type OpenFileLimit } from './OpenFileLimit.js';

/**
 * Whether append files are opened with O_DSYNC: on Linux a write through such a handle returns
 * only once its bytes, and the file size that reaches them, are on disk — what a write then
 * fdatasync guarantees — in one thread-pool round trip instead of two (each costs a wake-up of a
 * pool thread and one of the event loop). Elsewhere the committer calls fdatasync: libuv's is
 * F_FULLFSYNC on macOS, which flushes the drive's cache and O_DSYNC there does not.
 */
export const SYNCED_WRITES = process.platform === 'linux';

const APPEND_FLAGS = SYNCED_WRITES ? constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC : 'a';

/** An append-only file. */
export class AppendFile implements AppendTarget, Closable {
  /** @internal AppendTarget: writes through the handle are durable when they return (see SYNCED_WRITES). */
  readonly syncedWrites = SYNCED_WRITES;
  private fh: Promise<FileHandle> | null = null;
  /** Commits using the handle now: an idle file may be closed by the open-file limit. */
  private busy = 0;
  /** A failed commit left bytes past `committedBytes` that could not be cut off yet. */
  private uncut = false;

  /**
   * @param path the file
   * @param committedBytes bytes of the file known to be whole appends (after recovery; 0 for a new file)
   */
  constructor(
    readonly path: string,
    private committedBytes: number,
    private readonly committer: GroupCommitter,
    private readonly limit: OpenFileLimit = OPEN_FILES,
  ) {}

  /** Bytes of whole, durable appends. */
  get size(): number {
    return this.committedBytes;
  }

  /** Appends `data`; resolves once it is durable, with the byte range it took. */
  async append(data: string): Promise<{ from: number; to: number }> {
    await this.committer.append(this, data);
    const from = this.committedBytes;
    this.committedBytes += Buffer.byteLength(data);
    return { from, to: this.committedBytes };
  }

  /**
   * @internal AppendTarget: the file handle, opened on first use. A failed open (out of file
   * descriptors, say) is not kept: the next append tries again. A file whose cut-back failed is
   * cut back before anything else is written to it.
   */
  async handle(): Promise<FileHandle> {
    // in use from here until `release`: the open-file limit leaves it open
    this.busy++;
    if (this.uncut) await this.cutBack();
    if (!this.fh) {
      const opening = open(this.path, APPEND_FLAGS, 0o600);
      this.fh = opening;
      opening.catch(() => {
        if (this.fh === opening) {
          this.fh = null;
          this.limit.forget(this);
        }
      });
    }
    this.limit.touch(this);
    return this.fh;
  }

  /** @internal AppendTarget: the commit that asked for the handle is over. */
  release(): void {
    this.busy = Math.max(0, this.busy - 1);
  }

  /** @internal Closable: open, and no commit is using it. */
  get idle(): boolean {
    return this.busy === 0 && this.fh !== null;
  }

  /** @internal Closable: closes the descriptor; the next append opens the file again. */
  closeIdle(): void {
    const fh = this.fh;
    this.fh = null;
    void fh?.then((h) => h.close()).catch(() => undefined);
  }

  /** @internal AppendTarget: cut a partly written commit off again (now, or before the next write). */
  async rollback(): Promise<void> {
    this.uncut = true;
    await this.cutBack();
  }

  private async cutBack(): Promise<void> {
    try {
      await truncate(this.path, this.committedBytes);
    } catch (err) {
      // a file that was never created has nothing to cut
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.uncut = false;
  }

  /** Closes the file handle; the file can be appended to again afterwards. */
  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    this.limit.forget(this);
    if (fh) await (await fh).close();
  }
}
