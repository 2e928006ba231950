/**
 * Artifact files from the local disk (Node, Deno): a file is uploaded under its own name; a
 * folder under its name, with everything in it, as MLflow's `log_artifact` does.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';

/** A file to upload: where it is, and its path under the artifact folder. */
export interface ArtifactFile {
  abs: string;
  rel: string;
}

/**
 * The files to upload for a local path.
 * @throws when the path cannot be read
 */
export async function artifactFiles(path: string): Promise<ArtifactFile[]> {
  const s = await stat(path);
  const name = basename(path);
  if (!s.isDirectory()) return [{ abs: path, rel: name }];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  const files: ArtifactFile[] = [];
  for (const e of entries) {
    if (!e.isFile()) continue;
    const parent = (e as { parentPath?: string; path?: string }).parentPath ?? (e as { path?: string }).path ?? path;
    const abs = join(parent, e.name);
    files.push({ abs, rel: [name, ...relative(path, abs).split(sep)].join('/') });
  }
  return files.sort((a, b) => (a.rel < b.rel ? -1 : 1));
}

/** A file's bytes. */
export async function readArtifact(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}
