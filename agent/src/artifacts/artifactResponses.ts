/**
 * Artifact replies: listings in MLflow's two shapes (names relative to the listed folder for the
 * proxy API; paths relative to the artifact root, with `root_uri`, for `artifacts/list` and a
 * logged model's `artifacts/directories`), and file downloads streamed from disk.
 */
import type { ArtifactList, ProxiedArtifactList, WireFileInfo } from '@lablog/schema';
import type { FastifyReply } from 'fastify';
import type { ArtifactLocation } from './ArtifactArea.js';
import type { FolderEntry } from './ArtifactFolder.js';
import { joinRel } from './artifactPath.js';
import { artifactContentType, attachmentDisposition } from './contentType.js';

// Downloads are read in large pieces: fewer syscalls per MB sent, memory still bounded.
const READ_CHUNK = 1 << 20;

function fileInfo(path: string, e: FolderEntry): WireFileInfo {
  return e.isDir ? { path, is_dir: true } : { path, is_dir: false, file_size: e.size ?? 0 };
}

/** The proxy API's listing: `{files}` named relative to the folder, `{}` when it is not a folder. */
export async function listProxied({ area, rel }: ArtifactLocation): Promise<ProxiedArtifactList> {
  const entries = await area.folder.list(rel);
  return entries === null || entries.length === 0 ? {} : { files: entries.map((e) => fileInfo(e.name, e)) };
}

/** A listing with `root_uri` and paths relative to the area's root, as `artifacts/list` answers. */
export async function listFromRoot({ area, rel }: ArtifactLocation): Promise<ArtifactList> {
  const entries = await area.folder.list(rel);
  const prefix = rel.length > 0 ? `${joinRel(rel)}/` : '';
  const files = (entries ?? []).map((e) => fileInfo(prefix + e.name, e));
  return files.length > 0 ? { root_uri: area.rootUri, files } : { root_uri: area.rootUri };
}

/**
 * Streams the file at `rel` of `area` as a download: Content-Type by name (as MLflow chooses
 * it), attachment, nosniff, Content-Length. The file is read in pieces, never held whole.
 * @throws 404 when there is no such file, 400 for a folder
 */
export async function sendArtifact(reply: FastifyReply, { area, rel }: ArtifactLocation): Promise<FastifyReply> {
  const file = await area.folder.open(rel);
  const type = artifactContentType(file.name);
  return reply
    // exactly MLflow's Content-Type, no charset: MLflow's own tests compare the whole header
    .header('content-type', type)
    .header('content-disposition', attachmentDisposition(file.name))
    .header('x-content-type-options', 'nosniff')
    .header('content-length', file.size)
    .send(file.handle.createReadStream({ highWaterMark: READ_CHUNK }));
}
