/**
 * Artifact replies: listings in MLflow's two shapes (names relative to the listed folder for the
 * proxy API; paths relative to the artifact root, with `root_uri`, for `artifacts/list` and a
 * logged model's `artifacts/directories`), and file downloads streamed from the repository,
 * whole or one byte range (HTTP Range, as MLflow's Flask server answers it).
 */
import type { ArtifactList, ProxiedArtifactList, WireFileInfo } from '@lablog/schema';
import type { FastifyReply } from 'fastify';
import type { ArtifactLocation } from './ArtifactArea.js';
import type { FolderEntry } from './ArtifactRepository.js';
import { joinRel } from './artifactPath.js';
import { artifactContentType, attachmentDisposition } from './contentType.js';
import { parseRange } from './byteRange.js';

function fileInfo(path: string, e: FolderEntry): WireFileInfo {
  return e.isDir ? { path, is_dir: true } : { path, is_dir: false, file_size: e.size ?? 0 };
}

/** The proxy API's listing: `{files}` named relative to the folder, `{}` when it is not a folder. */
export async function listProxied({ area, rel }: ArtifactLocation): Promise<ProxiedArtifactList> {
  const entries = await area.repository.list(rel);
  return entries === null || entries.length === 0 ? {} : { files: entries.map((e) => fileInfo(e.name, e)) };
}

/** A listing with `root_uri` and paths relative to the area's root, as `artifacts/list` answers. */
export async function listFromRoot({ area, rel }: ArtifactLocation): Promise<ArtifactList> {
  const entries = await area.repository.list(rel);
  const prefix = rel.length > 0 ? `${joinRel(rel)}/` : '';
  const files = (entries ?? []).map((e) => fileInfo(prefix + e.name, e));
  return files.length > 0 ? { root_uri: area.rootUri, files } : { root_uri: area.rootUri };
}

/**
 * Streams the file at `rel` of `area` as a download: Content-Type by name (as MLflow chooses
 * it), attachment, nosniff, Content-Length. The file is read in pieces, never held whole. A
 * request with one `Range: bytes=…` gets 206 and that part; one past the end gets 416; several
 * ranges, or a malformed header, get the whole file.
 * @throws 404 when there is no such file, 400 for a folder
 */
export async function sendArtifact(reply: FastifyReply, { area, rel }: ArtifactLocation): Promise<FastifyReply> {
  const wanted = parseRange(reply.request.headers.range);
  const file = await area.repository.get(rel, wanted);
  reply
    // exactly MLflow's Content-Type, no charset: MLflow's own tests compare the whole header
    .header('content-type', artifactContentType(file.name))
    .header('content-disposition', attachmentDisposition(file.name))
    .header('x-content-type-options', 'nosniff')
    .header('accept-ranges', 'bytes');
  if (wanted && !file.range) {
    file.body.destroy();
    return reply.status(416).header('content-range', `bytes */${file.size}`).header('content-length', 0).send();
  }
  if (file.range) {
    const { start, end } = file.range;
    reply.status(206).header('content-range', `bytes ${start}-${end}/${file.size}`).header('content-length', end - start + 1);
  } else {
    reply.header('content-length', file.size);
  }
  return reply.send(file.body);
}
