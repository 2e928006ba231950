/**
 * How an artifact is previewed, decided from its name: the browser never trusts the server's
 * Content-Type for this (the agent sends most text as text/plain and everything as a download).
 */

/** The preview an artifact gets. `sniff`: unknown name, looked at to tell text from binary. */
export type PreviewKind = 'image' | 'text' | 'json' | 'csv' | 'tsv' | 'html' | 'notebook' | 'mlmodel' | 'binary' | 'sniff';

const IMAGES = new Map([
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['gif', 'image/gif'],
  ['webp', 'image/webp'],
  ['svg', 'image/svg+xml'],
  ['bmp', 'image/bmp'],
  ['ico', 'image/x-icon'],
  ['avif', 'image/avif'],
]);

const TEXT = new Set([
  'txt', 'log', 'out', 'err', 'py', 'pyi', 'md', 'markdown', 'rst', 'yaml', 'yml', 'toml', 'cfg', 'conf', 'ini',
  'properties', 'sh', 'bash', 'zsh', 'r', 'jl', 'js', 'mjs', 'ts', 'css', 'xml', 'sql', 'tex', 'c', 'h', 'cc', 'cpp',
  'hpp', 'java', 'scala', 'go', 'rs', 'rb', 'lua', 'jsonl', 'ndjson', 'diff', 'patch', 'lock', 'env', 'gitignore', 'dockerfile',
]);

/** Files MLflow and tools write without an extension. */
const TEXT_NAMES = new Set(['MLmodel', 'MLproject', 'Dockerfile', 'Makefile', 'LICENSE', 'README', 'requirements', 'python_env']);

const BINARY = new Set([
  'pkl', 'pickle', 'joblib', 'pt', 'pth', 'ckpt', 'bin', 'safetensors', 'onnx', 'h5', 'hdf5', 'keras', 'pb', 'tflite',
  'npy', 'npz', 'parquet', 'feather', 'arrow', 'avro', 'orc', 'zip', 'gz', 'tgz', 'bz2', 'xz', 'zst', 'tar', '7z',
  'whl', 'egg', 'so', 'dll', 'dylib', 'exe', 'pdf', 'mp4', 'webm', 'mov', 'mp3', 'wav', 'ogg', 'flac', 'tif', 'tiff',
  'db', 'sqlite', 'xlsx', 'xls', 'docx', 'pptx', 'ttf', 'woff', 'woff2', 'class', 'jar', 'model', 'ubj', 'cbm',
]);

/** The last segment of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The lower-cased extension of a file name, or '' for none (a leading dot is not one). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The preview for a file named `path`. */
export function previewKind(path: string): PreviewKind {
  const name = baseName(path);
  const ext = extensionOf(name);
  if (name === 'MLmodel') return 'mlmodel';
  if (IMAGES.has(ext)) return 'image';
  if (ext === 'json' || ext === 'geojson') return 'json';
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv') return 'tsv';
  if (ext === 'html' || ext === 'htm') return 'html';
  if (ext === 'ipynb') return 'notebook';
  if (TEXT.has(ext) || TEXT_NAMES.has(ext ? name.slice(0, -ext.length - 1) : name)) return 'text';
  if (BINARY.has(ext)) return 'binary';
  return 'sniff';
}

/** The media type an image preview is shown with (an `<img>` needs it for SVG). */
export function imageType(path: string): string {
  return IMAGES.get(extensionOf(baseName(path))) ?? 'application/octet-stream';
}

/** True when the first bytes of a file look like binary data rather than text. */
export function looksBinary(head: Uint8Array): boolean {
  const n = Math.min(head.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) return true;
    if (b < 8 || (b > 13 && b < 32 && b !== 27)) control++;
  }
  return control > n / 10;
}
