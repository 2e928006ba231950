/**
 * One agent per store. The lock is a file holding the owner's pid, created exclusively.
 * A lock left by a process that no longer exists (a crash, `kill -9`) is taken over, and the
 * store is told it was not closed cleanly so it replays what the crash may have left unsummarised.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MlflowError } from '../errors.js';

/** A held store lock. */
export interface StoreLock {
  /** True when a previous owner died without releasing the lock. */
  readonly recovered: boolean;
  /** Removes the lock file; safe to call twice. */
  release(): void;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of the store at `dir`.
 * @throws MlflowError(INVALID_STATE) when a live process holds it.
 */
export function acquireStoreLock(dir: string): StoreLock {
  const path = join(dir, 'agent.lock');
  let recovered = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        recovered,
        release() {
          if (released) return;
          released = true;
          try {
            unlinkSync(path);
          } catch {
            // already gone: nothing to release
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || processExists(pid))) {
        throw new MlflowError('INVALID_STATE', `the store ${dir} is in use by another lablog agent (pid ${pid}); stop it first or use another --store`);
      }
      unlinkSync(path);
      recovered = true;
    }
  }
  throw new MlflowError('INVALID_STATE', `could not take the lock of the store ${dir}`);
}
