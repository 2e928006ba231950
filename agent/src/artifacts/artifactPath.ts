/**
 * Artifact paths from the wire, checked once at the boundary. A path that could leave the
 * folder it names — a `..` segment, an absolute path, NUL, a backslash, or any of these hidden
 * behind percent-encoding, however many times encoded — is refused with 400
 * INVALID_PARAMETER_VALUE ("Invalid path", MLflow's exact words) before anything touches the disk. (Symlinks already on disk are the
 * filesystem's business: see ArtifactFolder.)
 */
import { invalidParameter } from '../errors.js';

/** Name prefix of uploads in progress; reserved, so no artifact can be named like one. */
export const UPLOAD_TEMP_PREFIX = '.lablog-upload-';

/** A checked path relative to an artifact folder: no empty, `.` or `..` segments. `[]` is the folder itself. */
export type RelPath = readonly string[];

/** Where a proxied artifact path (`mlflow-artifacts:/<path>`) points. */
export type ProxiedTarget =
  | { kind: 'run'; experimentId: string; runId: string; rel: RelPath }
  | { kind: 'model'; experimentId: string; modelId: string; rel: RelPath }
  | { kind: 'root'; rel: RelPath };

const MAX_DECODES = 10;
const PERCENT_ESCAPE = /%([0-9A-Fa-f]{2})/g;

/**
 * Undoes percent-encoding until nothing changes, as MLflow's `validate_path_is_safe` does.
 * Bytes are mapped one to one, which is all the checks need: everything they look for is ASCII.
 */
function decodeFully(path: string): string {
  let s = path;
  for (let i = 0; i < MAX_DECODES; i++) {
    const next = s.replace(PERCENT_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === s) return s;
    s = next;
  }
  throw invalidParameter(`Invalid artifact path '${path}': it is percent-encoded more than ${MAX_DECODES} times.`);
}

function refuseUnsafe(original: string, path: string): void {
  const why = path.includes('\u0000')
    ? 'it contains a NUL character'
    : path.includes('\\')
      ? 'it contains a backslash; artifact paths use "/"'
      : path.startsWith('/') || /^[A-Za-z]:/.test(path)
        ? 'it is absolute; artifact paths are relative to the artifact folder'
        : path.split('/').includes('..')
          ? "it contains '..'"
          : path.split('/').some((s) => s.startsWith(UPLOAD_TEMP_PREFIX))
            ? `names starting with '${UPLOAD_TEMP_PREFIX}' are reserved for uploads in progress`
            : null;
  if (why === null) return;
  // MLflow's validate_path_is_safe answers exactly this, and MLflow's tests compare the whole body
  if (!why.startsWith('names')) throw invalidParameter('Invalid path');
  throw invalidParameter(`Invalid artifact path '${original}': ${why}.`);
}

/**
 * Checks an artifact path as it arrived, URL-decoded once (a route param or query value).
 * @returns its segments; empty and `.` segments are dropped (`a//./b` is `a/b`)
 * @throws 400 INVALID_PARAMETER_VALUE when the path, or its fully decoded form, is unsafe
 */
export function checkRelPath(path: string): RelPath {
  refuseUnsafe(path, path);
  refuseUnsafe(path, decodeFully(path));
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

/**
 * Checks a proxied artifact path and says whose artifact folder it points into: a run's
 * (`<exp>/<run>/artifacts/…`), a logged model's (`<exp>/models/<id>/artifacts/…`), or, for any
 * other path, the proxy's own root, as MLflow's proxy serves any path under its destination.
 * @throws 400 INVALID_PARAMETER_VALUE for an unsafe path
 */
export function proxiedTarget(path: string): ProxiedTarget {
  const segments = checkRelPath(path);
  const [experimentId, second, third, fourth] = segments;
  if (experimentId !== undefined && second === 'models' && third !== undefined && fourth === 'artifacts') {
    return { kind: 'model', experimentId, modelId: third, rel: segments.slice(4) };
  }
  if (experimentId !== undefined && second !== undefined && third === 'artifacts') {
    return { kind: 'run', experimentId, runId: second, rel: segments.slice(3) };
  }
  return { kind: 'root', rel: segments };
}

/** A relative path as the wire writes it (`a/b.txt`; `''` for the folder itself). */
export function joinRel(rel: RelPath): string {
  return rel.join('/');
}
