/**
 * The Content-Type an artifact download is sent with, chosen as MLflow's server chooses it
 * (`mlflow.utils.mime_type_utils._guess_mime_type`): text formats MLflow logs itself (MLmodel,
 * YAML, JSON, CSV, logs, …) are `text/plain`, common media types by extension, anything else
 * `application/octet-stream`. Downloads are always attachments with `nosniff`, so an HTML or
 * SVG artifact never runs as a page of the agent's origin.
 */

/** Extensions MLflow serves as text/plain, and the extension-less files MLmodel and MLproject (mlproject). */
const TEXT = new Set([
  'txt', 'log', 'err', 'cfg', 'conf', 'cnf', 'cf', 'ini', 'properties', 'prop', 'hocon', 'toml', 'yaml', 'yml',
  'xml', 'json', 'js', 'py', 'py3', 'csv', 'tsv', 'md', 'rst', 'MLmodel', 'MLproject',
  // MLflow's MLPROJECT_FILE_NAME is lowercase ("mlproject"); its server serves that name as text
  'mlproject',
]);

/** Python's `mimetypes` answers for the media types artifacts commonly have. */
const BY_EXTENSION = new Map([
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['gif', 'image/gif'],
  ['svg', 'image/svg+xml'],
  ['bmp', 'image/bmp'],
  ['webp', 'image/webp'],
  ['ico', 'image/vnd.microsoft.icon'],
  ['tif', 'image/tiff'],
  ['tiff', 'image/tiff'],
  ['html', 'text/html'],
  ['htm', 'text/html'],
  ['css', 'text/css'],
  ['pdf', 'application/pdf'],
  ['zip', 'application/zip'],
  ['tar', 'application/x-tar'],
  ['h5', 'application/x-hdf5'],
  ['mp4', 'video/mp4'],
  ['webm', 'video/webm'],
  ['mp3', 'audio/mpeg'],
  ['wav', 'audio/x-wav'],
  ['ogg', 'audio/ogg'],
]);

/**
 * The Content-Type for an artifact file name.
 * @param name the file's name (its last path segment)
 */
export function artifactContentType(name: string): string {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1) : name;
  if (TEXT.has(extension)) return 'text/plain';
  return BY_EXTENSION.get(extension.toLowerCase()) ?? 'application/octet-stream';
}

/**
 * A Content-Disposition header value that makes the file a download named `name`; names
 * outside ASCII travel in `filename*` (RFC 6266), with an ASCII fallback.
 */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (ascii === name) return `attachment; filename="${name}"`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
