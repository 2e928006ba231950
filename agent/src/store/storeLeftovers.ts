/**
 * What a crash leaves behind in a store, and its removal when the store opens (under the lock,
 * so no other agent is writing it): upload temp files, half-built imports, unfinished document
 * writes. Work in progress is written under `tmp/` so that one removal clears it.
 */
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where uploads in progress are written before they are renamed into place. */
export function uploadTempDir(storeDir: string): string {
  return join(storeDir, 'tmp', 'uploads');
}

// Before uploads went to tmp/, their temp files lay next to their targets with this prefix.
const LEGACY_UPLOAD_PREFIX = '.lablog-upload-';
const LEGACY_SWEPT = join('meta', 'legacy-uploads-swept');

/**
 * Removes the leftovers of an earlier agent that did not close cleanly. Call with the store lock
 * held. Costs one folder removal; stores written by an earlier version are swept once, whole.
 */
export async function removeLeftovers(storeDir: string): Promise<void> {
  await rm(join(storeDir, 'tmp'), { recursive: true, force: true });
  await removeStrayTemps(storeDir); // agent.json's
  await removeStrayTemps(join(storeDir, 'meta'));
  const marker = join(storeDir, LEGACY_SWEPT);
  try {
    await writeFile(marker, '', { flag: 'wx' });
  } catch {
    return; // swept already
  }
  for (const top of ['runs', 'models']) {
    let names: string[];
    try {
      names = await readdir(join(storeDir, top), { recursive: true });
    } catch {
      continue;
    }
    for (const rel of names) {
      if (rel.split(/[\\/]/).pop()!.startsWith(LEGACY_UPLOAD_PREFIX)) await rm(join(storeDir, top, rel), { force: true });
    }
  }
}

// Document writes (steno, store-id) use `.<name>.tmp` / `<name>.<pid>.<hex>.tmp` beside the document.
async function removeStrayTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.endsWith('.tmp')) await rm(join(dir, n), { force: true });
}
