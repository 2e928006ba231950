/**
 * The recordings kept every artifact upload's request but not its body: the client streams the
 * file and the recorder saw none of it (`request_bytes_b64` is ""). What the real server then
 * served is recorded, though, so a replay can send each upload with the bytes the recording
 * later downloaded from the same path, or, for a file the recording only listed, as many filler
 * bytes as the listing gave it. The agent must then list and serve exactly what the real
 * server did.
 */
import { isObject, type Exchange } from './transcriptExchange.js';

const PROXY = '/api/2.0/mlflow-artifacts/artifacts';

/** Recorded path → bytes it must hold, from downloads, else sizes from listings. */
function recordedContents(exchanges: readonly Exchange[]): Map<string, Buffer> {
  const downloaded = new Map<string, Buffer>();
  const listed = new Map<string, number>();
  for (const ex of exchanges) {
    if (ex.method !== 'GET' || ex.status !== 200) continue;
    if (ex.path.startsWith(`${PROXY}/`) && ex.responseBytes !== undefined && !downloaded.has(ex.path)) {
      downloaded.set(ex.path, ex.responseBytes);
    }
    const dir = ex.path === PROXY ? ex.query.find(([k]) => k === 'path')?.[1] : undefined;
    const files = isObject(ex.responseJson) && Array.isArray(ex.responseJson.files) ? ex.responseJson.files : [];
    for (const f of dir === undefined ? [] : files) {
      if (isObject(f) && typeof f.path === 'string' && typeof f.file_size === 'number') listed.set(`${PROXY}/${dir}/${f.path}`, f.file_size);
    }
  }
  const contents = new Map(downloaded);
  for (const [path, size] of listed) if (!contents.has(path)) contents.set(path, Buffer.alloc(size, 'x'));
  return contents;
}

/**
 * The scenario's exchanges with every body-less artifact upload given the bytes the recording
 * shows that file held (unchanged when it shows nothing).
 */
export function withUploadBodies(exchanges: readonly Exchange[]): Exchange[] {
  const contents = recordedContents(exchanges);
  return exchanges.map((ex) => {
    const bytes = ex.method === 'PUT' && ex.requestBytes?.length === 0 ? contents.get(ex.path) : undefined;
    return bytes === undefined ? ex : { ...ex, requestBytes: bytes };
  });
}
