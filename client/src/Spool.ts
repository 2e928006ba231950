/**
 * Where operations wait while the server cannot take them, so that memory stays bounded and
 * nothing is lost when the process ends before the server is back. Node has a file spool
 * (node/FileSpool.ts); elsewhere there is none and the queue stays in memory.
 * Synchronous on purpose: a training loop that never yields must still be able to spill.
 */
import type { Op } from './ops.js';

/** An append-only file of operations with a read cursor. */
export interface Spool {
  /** The file's path. */
  readonly file: string;
  /** Appends ops in order; sets each op's `offset`. */
  append(ops: readonly Op[]): void;
  /** Reads up to `max` ops from the cursor on (fewer at the end of the file), moving the cursor past them. */
  read(max: number): Op[];
  /** Moves the cursor to a line start given by an op's `offset`. */
  seek(offset: number): void;
  /** Moves the cursor to the end of the file. */
  seekEnd(): void;
  /** True when the cursor is at the end of the file. */
  atEnd(): boolean;
  /** Empties the file (everything in it is stored); the file is removed until something is appended again. */
  clear(): void;
  /** Closes the file; removes it when it holds no operation. Returns true when it was kept. */
  close(): boolean;
}
