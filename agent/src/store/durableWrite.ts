/**
 * Durable whole-file writes for the store's small documents: the text goes to a temporary
 * file, is flushed to disk, renamed over the document, and the folder is flushed so the
 * rename survives a power cut. A reader (or a crash) sees the old document or the new one,
 * never a mix; when the promise resolves the new one is on disk.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Flushes a folder's entries (a rename or a new file in it) to disk. */
export async function syncFolder(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Replaces the file at `path` with `text`, durably. A failure leaves the old file as it was. */
export async function writeFileDurably(path: string, text: string | Uint8Array): Promise<void> {
  const folder = dirname(path);
  // a leftover temp (a crash here) is removed when the store next opens (storeLeftovers)
  const temp = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(temp, 'w', 0o600);
    try {
      await fh.writeFile(text);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncFolder(folder);
}
