/**
 * Artifact calls for tests and benchmarks, sent the way the MLflow client sends them: PUT with
 * a raw body, GET for files and `?path=` listings, DELETE. `rawRequest` sends a path exactly as
 * written (fetch would normalise `..` and `%2e%2e` away before they reach the agent).
 */
import { request } from 'node:http';
import type { Readable } from 'node:stream';

/** The proxy API prefix. */
export const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

/** The proxy URL of a run's artifact `rel` (`''` for the artifact folder itself). */
export function runArtifactUrl(base: string, experimentId: string, runId: string, rel = ''): string {
  return `${base}${ARTIFACTS}/${experimentId}/${runId}/artifacts${rel ? `/${rel}` : ''}`;
}

/** A reply with its raw body. */
export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * Sends `method` to `base` + `path` with the path exactly as given (no normalisation, no
 * re-encoding). `body` may be bytes or a stream (sent chunked unless `contentLength` is given).
 */
export function rawRequest(
  method: string,
  base: string,
  path: string,
  body?: Buffer | Readable,
  headers: Record<string, string | number> = {},
): Promise<RawReply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** PUTs `body` at `url`; resolves with the status and parsed JSON reply. */
export async function putArtifact(url: string, body: Uint8Array | string, contentType = 'application/octet-stream'): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': contentType }, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** GETs a file: status, Content-Type, Content-Disposition and the bytes. */
export async function getArtifact(url: string): Promise<{ status: number; contentType: string; disposition: string; body: Buffer }> {
  const res = await fetch(url);
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    disposition: res.headers.get('content-disposition') ?? '',
    body: Buffer.from(await res.arrayBuffer()),
  };
}

/** One entry of a listing. */
export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** Lists `dir` (`<exp>/<run>/artifacts[/sub]`) through the proxy API. */
export async function listArtifacts(base: string, dir: string): Promise<{ status: number; files?: FileInfo[]; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${ARTIFACTS}?path=${encodeURIComponent(dir)}`);
  const json = (await res.json()) as { files?: FileInfo[] };
  return { status: res.status, json, ...(json.files ? { files: json.files } : {}) };
}
