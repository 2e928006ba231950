/**
 * Artifact files the agent writes into a run itself (notebook snapshots, the execution log,
 * the package list), through the same artifact repository as uploads: written whole and
 * visible only once complete (the execution log: appended), stored for good before the reply, listed and
 * downloadable like any artifact, announced to live viewers.
 */
import { Readable } from 'node:stream';
import { runArtifacts } from '../artifacts/ArtifactArea.js';
import { checkRelPath } from '../artifacts/artifactPath.js';
import type { ArtifactRepository } from '../artifacts/ArtifactRepository.js';
import type { FileStore } from '../store/FileStore.js';

/** What to write: text, bytes, or a stream (a file being copied). */
export type ArtifactContent = string | Buffer | Readable;

/**
 * Writes `content` as the run's artifact `path` (e.g. `notebook/start.ipynb`), replacing any.
 * @throws RESOURCE_DOES_NOT_EXIST when the run does not exist
 */
export async function writeRunArtifact(store: FileStore, artifacts: ArtifactRepository, runId: string, path: string, content: ArtifactContent): Promise<void> {
  const area = runArtifacts(store, artifacts, runId);
  const rel = checkRelPath(path);
  const source = content instanceof Readable ? content : Readable.from([content]);
  const size = await area.repository.put(rel, source);
  area.changed(rel, size);
}

/**
 * Appends `text` to the run's artifact `path`, creating it: written and flushed to disk before
 * this resolves, at the cost of `text` whatever the file's size. A reader may see the last line
 * while it is being written; callers serialise appends to one file.
 * @throws RESOURCE_DOES_NOT_EXIST when the run does not exist
 */
export async function appendRunArtifact(store: FileStore, artifacts: ArtifactRepository, runId: string, path: string, text: string): Promise<void> {
  const area = runArtifacts(store, artifacts, runId);
  const rel = checkRelPath(path);
  const size = await area.repository.append(rel, text);
  area.changed(rel, size);
}
