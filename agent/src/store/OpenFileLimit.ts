/**
 * A cap on the append files held open at once. Every run keeps its metric log open for appends;
 * a store of 100 000 runs would hold 100 000 descriptors and run the process out of them (seen:
 * `runs/create` answered 503 past ~19 000 runs under a limit of 20 000). Past the cap, the file
 * used longest ago that no write is using is closed; it is opened again on its next append.
 */

/** A file the limit can close. */
export interface Closable {
  /** Open and not in use by a write. */
  readonly idle: boolean;
  /** Closes the file's descriptor (it reopens on its next use). */
  closeIdle(): void;
}

/** Append files held open at most, by default (well under the usual descriptor limits). */
export const DEFAULT_MAX_OPEN_FILES = 2048;

/** The open files of a process, least recently used first. */
export class OpenFileLimit {
  private readonly open = new Map<Closable, true>();

  constructor(readonly max: number) {}

  /** `file` was just opened or used: it is the most recent; the oldest idle ones close past the cap. */
  touch(file: Closable): void {
    this.open.delete(file);
    this.open.set(file, true);
    if (this.open.size <= this.max) return;
    for (const f of this.open.keys()) {
      if (this.open.size <= this.max) break;
      // a file a write is using stays open: the cap is exceeded for a moment rather than a write broken
      if (f === file || !f.idle) continue;
      f.closeIdle();
      this.open.delete(f);
    }
  }

  /** `file` was closed. */
  forget(file: Closable): void {
    this.open.delete(file);
  }

  /** Files held open now. */
  get size(): number {
    return this.open.size;
  }
}

/** The process's limit (LABLOG_MAX_OPEN_FILES sets it). */
export const OPEN_FILES = new OpenFileLimit(Number(process.env.LABLOG_MAX_OPEN_FILES) > 0 ? Number(process.env.LABLOG_MAX_OPEN_FILES) : DEFAULT_MAX_OPEN_FILES);
