/**
 * Group commit for append-only files: appends that arrive while a commit is under way wait
 * for the next one, and each commit writes every pending chunk of a file in one write and
 * one fdatasync (or one write alone, to a target whose writes are durable when they return).
 * A caller's promise resolves only once its bytes are on disk.
 */
import { writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * A commit of one file, of at most this many bytes, to a target whose writes are durable when
 * they return, is written on the event loop rather than on the thread pool. The loop waits for
 * the disk (~0.25 ms for a point, ~0.7 ms for a 1000-metric batch here), but a lone client's
 * call no longer pays a pool thread's wake-up and then the loop's: ~0.09 ms a call, sequential
 * log-metric calls on this machine. Larger commits, and commits of several files at once (many
 * runs logging: the pool writes them side by side while the loop serves), still go to the pool.
 */
export const LOOP_WRITE_MAX_BYTES = 256 * 1024;

/**
 * Commits are written on the loop only while those writes take at most this long (a moving
 * average): a slow disk — a network file system's synchronous write, say — would hold the loop,
 * and every other client with it, for each commit. Here a commit takes 0.2–2 ms. Past it, every
 * LOOP_RETRY_EVERY-th commit is written on the loop again to see whether the disk is fast again
 * (a pool write's time would count the wait for a thread too).
 */
export const LOOP_WRITE_MAX_MS = 2;
/** See LOOP_WRITE_MAX_MS. */
export const LOOP_RETRY_EVERY = 64;

/** A file appended to through the committer. */
export interface AppendTarget {
  /** Open handle in append mode. */
  handle(): Promise<FileHandle>;
  /** True when the handle's writes are durable once they return (opened with O_DSYNC): no fdatasync follows them. */
  readonly syncedWrites?: boolean;
  /** Called after a failed write so the target can cut its file back to what was committed. */
  rollback(): Promise<void>;
  /** Called once the commit that asked for `handle()` is over (written and synced, or rolled back). */
  release?(): void;
}

interface Pending {
  target: AppendTarget;
  data: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Batches appends across files into write + fdatasync cycles. */
export class GroupCommitter {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;
  /** Moving average of a commit's write time on the loop, ms (see LOOP_WRITE_MAX_MS). */
  private writeMs = 0;
  /** Commits since the loop was last tried, while its writes were too slow. */
  private sinceTried = 0;

  /** @param loopWriteMaxMs see LOOP_WRITE_MAX_MS */
  constructor(private readonly loopWriteMaxMs = LOOP_WRITE_MAX_MS) {}

  /** Appends `data` to `target`; resolves once it is durable. */
  append(target: AppendTarget, data: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ target, data, resolve, reject });
      if (!this.running) this.running = this.drain();
    });
  }

  /** Resolves when everything appended so far is durable. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      // requests the event loop has already read append in this turn too: they join this commit
      // (without the wait, a commit written on the loop would leave each of them its own commit)
      await new Promise((resolve) => setImmediate(resolve));
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        const byTarget = new Map<AppendTarget, Pending[]>();
        for (const p of batch) {
          const list = byTarget.get(p.target);
          if (list) list.push(p);
          else byTarget.set(p.target, [p]);
        }
        const lone = byTarget.size === 1;
        await Promise.all([...byTarget].map(([target, items]) => this.commitOne(target, items, lone)));
      }
    } finally {
      this.running = null;
    }
  }

  /** Whether a commit may be written on the loop now (see LOOP_WRITE_MAX_MS). */
  private loopIsFast(): boolean {
    if (this.writeMs <= this.loopWriteMaxMs) return true;
    this.sinceTried = (this.sinceTried + 1) % LOOP_RETRY_EVERY;
    return this.sinceTried === 0;
  }

  /** Writes one file's pending appends; `lone`: the cycle's only file. */
  private async commitOne(target: AppendTarget, items: Pending[], lone: boolean): Promise<void> {
    try {
      const fh = await target.handle();
      const data = items.length === 1 ? items[0]!.data : items.map((p) => p.data).join('');
      const bytes = Buffer.byteLength(data);
      let bytesWritten: number;
      if (lone && target.syncedWrites === true && bytes <= LOOP_WRITE_MAX_BYTES && this.loopIsFast()) {
        const t0 = performance.now();
        bytesWritten = writeSync(fh.fd, data);
        this.writeMs = 0.8 * this.writeMs + 0.2 * (performance.now() - t0);
      } else bytesWritten = (await fh.write(data)).bytesWritten;
      if (bytesWritten !== bytes) throw new Error(`short write: ${bytesWritten} of ${bytes} bytes`);
      if (!target.syncedWrites) await fh.datasync();
    } catch (err) {
      await target.rollback().catch(() => undefined);
      target.release?.();
      for (const p of items) p.reject(err);
      return;
    }
    target.release?.();
    for (const p of items) p.resolve();
  }
}
