/**
 * The name of a store for its lock: the same for every path that reaches the same folder
 * (symlinks, bind mounts, `..`), different for a copy of it, and not guessable by someone who
 * cannot read the store (so another local user cannot take the lock's name first).
 *
 * It is `<store-id>-<device>-<inode>`: a random id kept in `meta/store-id`, made once, plus the
 * folder's device and inode numbers.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const ID_RE = /^[0-9a-f]{32}$/;

/** The lock name of the store at `dir` (its `meta/` folder must exist). */
export async function storeIdentity(dir: string): Promise<string> {
  const id = await storeId(join(dir, 'meta', 'store-id'));
  const s = await stat(dir, { bigint: true });
  return `${id}-${s.dev.toString(36)}-${s.ino.toString(36)}`;
}

/**
 * Reads `path`, creating it first when absent. Written under a temporary name and then linked
 * into place, so two agents creating it at once agree on one id and nobody reads it half written.
 */
async function storeId(path: string): Promise<string> {
  const existing = await readId(path);
  if (existing) return existing;
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, randomBytes(16).toString('hex'), { mode: 0o600 });
  try {
    await link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(tmp, { force: true });
  }
  const id = await readId(path);
  if (!id) throw new Error(`${path} does not hold a store id; remove it and start again`);
  return id;
}

async function readId(path: string): Promise<string | null> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return ID_RE.test(text) ? text : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
