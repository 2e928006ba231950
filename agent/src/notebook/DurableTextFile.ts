/**
 * A small text file replaced whole, durably: the text goes to a temporary file beside it, is
 * flushed, renamed over the old one, and the folder is flushed, so once `write` resolves the
 * new text survives a crash and a reader never sees half of it. Overlapping writes are merged
 * (steno's idea): while one is under way only the latest text waits, and every caller's promise
 * resolves once a text at least as new as its own is on disk.
 */
import { readFile } from 'node:fs/promises';
import { writeFileDurably } from '../store/durableWrite.js';

export { syncFolder } from '../store/durableWrite.js';

/** One text file written durably, writes merged. */
export class DurableTextFile {
  private running: Promise<void> | null = null;
  private next: { text: string; done: Promise<void> } | null = null;

  constructor(readonly path: string) {}

  /** The file's text, or null when it does not exist. */
  async read(): Promise<string | null> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** True while a write is under way or waiting. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Replaces the file's text; resolves once it (or a newer text) is on disk. */
  write(text: string): Promise<void> {
    if (this.running === null) {
      this.running = writeFileDurably(this.path, text).finally(() => this.afterWrite());
      return this.running;
    }
    if (this.next) {
      this.next.text = text;
      return this.next.done;
    }
    const next = { text, done: Promise.resolve() };
    next.done = this.running.catch(() => undefined).then(() => {
      this.next = null;
      this.running = writeFileDurably(this.path, next.text).finally(() => this.afterWrite());
      return this.running;
    });
    this.next = next;
    return next.done;
  }

  private afterWrite(): void {
    if (this.next === null) this.running = null;
  }
}
