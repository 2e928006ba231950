/**
 * Where artifact files live, as an interface: streamed put/get/list/delete on paths relative to
 * a repository's root, as MLflow's `ArtifactRepository` is one per artifact root. Two engines
 * implement it: a folder on disk (ArtifactFolder, the default, inside the store) and an
 * S3-compatible bucket (S3ArtifactRepository). Everything that stores artifacts goes through it:
 * the mlflow-artifacts proxy, lablog's own artifact routes, logged models' files and notebook
 * snapshots (see ArtifactArea, which says whose folder a request means).
 *
 * Paths come in checked (artifactPath.ts); each engine adds its own side of confinement.
 */
import type { Readable } from 'node:stream';
import type { RelPath } from './artifactPath.js';

/** One entry of a folder listing. `size` is absent for folders. */
export interface FolderEntry {
  name: string;
  isDir: boolean;
  size?: number;
}

/** What a deletion removed; null when nothing was there. */
export interface Removed {
  isDir: boolean;
  /** Bytes of the file removed (0 for a folder). */
  size: number;
}

/**
 * Bytes `start` to `end` of a file, both included (as HTTP's Range counts them); a negative
 * `start` counts from the end of the file (the last `-start` bytes).
 */
export interface ByteRange {
  start: number;
  end: number;
}

/** An artifact file opened for reading: its bytes as a stream, read as they are consumed. */
export interface ArtifactDownload {
  /** The file's bytes (or the range asked for). Consume or destroy it. */
  body: Readable;
  /** The whole file's size in bytes. */
  size: number;
  /** The file's name, for Content-Type and Content-Disposition. */
  name: string;
  /**
   * The part of the file `body` holds, when a range was asked for. Absent although a range was
   * asked: the range starts past the end of the file, and `body` is empty.
   */
  range?: ByteRange;
}

/** A folder of artifact files, wherever its bytes are kept. */
export interface ArtifactRepository {
  /** Where the files are (a folder, or `s3://bucket/prefix`), for messages. */
  readonly uri: string;

  /**
   * Stores `source` as the file `rel`, replacing any. A reader never sees a partial file, and a
   * failed or aborted upload leaves nothing behind. When this resolves the file is stored for
   * good (on disk, or acknowledged by the bucket). The source is read as it arrives, never whole.
   * @returns the file's size in bytes
   * @throws 400 INVALID_PARAMETER_VALUE when `rel` is the folder itself, a folder, below a file, or leaves the folder
   */
  put(rel: RelPath, source: Readable): Promise<number>;

  /**
   * Appends `text` to the file `rel`, creating it; stored for good when this resolves. Callers
   * serialise appends to one file. A torn last line (a crash mid-append) gets a line break first.
   * @returns the file's size in bytes after the append
   * @throws 400 INVALID_PARAMETER_VALUE as `put` does, or when `rel` is a folder
   */
  append(rel: RelPath, text: string): Promise<number>;

  /**
   * Opens the file `rel` for reading, the whole of it or `range` (clamped to the file).
   * @throws 404 RESOURCE_DOES_NOT_EXIST when there is no such file; 400 when `rel` is a folder or leaves the folder
   */
  get(rel: RelPath, range?: ByteRange): Promise<ArtifactDownload>;

  /**
   * Lists the folder `rel`, sorted by name; uploads in progress are left out.
   * @returns null when `rel` is not an existing folder (absent, or a file)
   */
  list(rel: RelPath): Promise<FolderEntry[] | null>;

  /**
   * Deletes the file or folder (with everything in it) at `rel`; `[]` empties the whole folder.
   * @returns what was removed, or null when nothing was there
   */
  delete(rel: RelPath): Promise<Removed | null>;

  /** The repository of the folder `sub` inside this one (e.g. `['runs', id, 'artifacts']`). */
  within(sub: RelPath): ArtifactRepository;
}
