/**
 * Where a model version's files are: checking a `source` when a version is created (MLflow's
 * `_validate_source`: no local path outside the run's artifact folder, no `..`), and resolving
 * it to the URI the client downloads from (`runs:/<id>/<path>` → the run's artifact folder,
 * `models:/<name>/<version>` or `models:/<name>@<alias>` → that version's own location).
 */
import { posix } from 'node:path';
import { invalidParameter, MlflowError } from '../errors.js';
import type { LoggedModelStore } from '../loggedModels/LoggedModelStore.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import type { ModelRegistryStore } from './ModelRegistryStore.js';
import { parseVersion } from './registryRules.js';

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

function schemeOf(uri: string): string {
  return SCHEME.exec(uri)?.[1]?.toLowerCase() ?? '';
}

/** True for a plain path or a `file:` URI on this machine. */
export function isLocalUri(uri: string): boolean {
  const scheme = schemeOf(uri);
  if (scheme === '') return true;
  if (scheme !== 'file') return false;
  const host = /^file:\/\/([^/]*)/i.exec(uri)?.[1] ?? '';
  return host === '' || host === '.' || host.startsWith('localhost') || host.startsWith('127.0.0.1');
}

/** The filesystem path of a local URI (`file:///a/b`, `file:/a/b` or `/a/b`). */
export function localPath(uri: string): string {
  if (schemeOf(uri) !== 'file') return uri;
  return decodeURIComponent(uri.replace(/^file:(\/\/[^/]*)?/i, ''));
}

/** The path part of a URI, fully percent-decoded, slashes collapsed, no trailing slash. */
function decodedPath(uri: string): string {
  let s = uri;
  for (let i = 0; i < 10; i++) {
    let next: string;
    try {
      next = decodeURIComponent(s.replaceAll('+', ' '));
    } catch {
      break;
    }
    if (next === s) break;
    s = next;
  }
  const afterScheme = s.replace(SCHEME, '');
  const path = afterScheme.startsWith('//') ? afterScheme.replace(/^\/\/[^/]*/, '') : afterScheme;
  return path.replace(/\/+/g, '/').replace(/\/$/, '');
}

function refuse(source: string): never {
  throw invalidParameter(
    `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`,
  );
}

/**
 * Checks the source of a new model version. As MLflow, the run is looked up only for a local
 * source: otherwise `run_id` is stored as given, since a registry may serve runs tracked elsewhere.
 * @param runArtifactUri the artifact URI of the version's run, when it names one (called only
 *   for a local source)
 * @throws INVALID_PARAMETER_VALUE for a local path outside that run's artifact folder, or a
 *   path with `..`, `.` or NUL in it; what `runArtifactUri` throws (404 for an unknown run)
 */
export async function checkSource(source: string, runArtifactUri: () => Promise<string | undefined>): Promise<void> {
  if (isLocalUri(source)) {
    const runUri = await runArtifactUri();
    if (runUri !== undefined && isLocalUri(runUri)) {
      const dir = posix.normalize(localPath(runUri)).replace(/\/$/, '');
      const path = posix.normalize(localPath(source));
      if (path === dir || path.startsWith(`${dir}/`)) return;
    }
    throw invalidParameter(
      `Invalid model version source: '${source}'. To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.`,
    );
  }
  const path = decodedPath(source);
  if (path.includes('\u0000')) refuse(source);
  if (path !== '' && (!path.startsWith('/') || posix.normalize(path) !== path)) refuse(source);
}

/** How `downloadUri` looks up what a source refers to. */
export interface SourceLookup {
  /** A run's artifact URI. @throws RESOURCE_DOES_NOT_EXIST */
  runArtifactUri(runId: string): Promise<string>;
  /** The source of a model version named by number or alias. @throws when there is none */
  versionSource(name: string, versionOrAlias: { version: number } | { alias: string }): Promise<string>;
  /** A logged model's artifact URI (MLflow 3 registers `models:/<model_id>`). @throws RESOURCE_DOES_NOT_EXIST */
  loggedModelArtifactUri?(modelId: string): Promise<string>;
}

/**
 * The URI a client downloads a version's files from.
 * @throws INVALID_PARAMETER_VALUE for a malformed `runs:/` or `models:/` URI, or a `models:/` chain that loops
 */
export async function downloadUri(source: string, lookup: SourceLookup, depth = 0): Promise<string> {
  const scheme = schemeOf(source);
  if (scheme === 'runs') {
    const m = /^runs:\/+([^/]+)(?:\/(.*))?$/i.exec(source);
    if (!m) throw invalidParameter(`Not a valid runs URI: '${source}'. Expected runs:/<run_id>/<path>.`);
    let base: string;
    try {
      base = (await lookup.runArtifactUri(m[1] as string)).replace(/\/+$/, '');
    } catch (err) {
      // a run tracked elsewhere (the registry may live apart from tracking): MLflow answers the
      // source as given, and the client resolves it against its tracking server
      if (err instanceof MlflowError && err.code === 'RESOURCE_DOES_NOT_EXIST') return source;
      throw err;
    }
    const rest = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
    return rest === '' ? base : `${base}/${rest}`;
  }
  if (scheme === 'models') {
    if (depth > 10) throw invalidParameter(`The model URI '${source}' refers back to itself.`);
    // MLflow 3: a version made from a logged model has the source models:/<model_id>
    const logged = /^models:\/+(m-[0-9a-f]{32})\/?$/i.exec(source);
    if (logged && lookup.loggedModelArtifactUri) return lookup.loggedModelArtifactUri(logged[1] as string);
    const m = /^models:\/+([^/@]+)(?:\/(\d+)|@([\w-]+))\/?$/i.exec(source);
    if (!m) throw invalidParameter(`Not a valid models URI: '${source}'. Expected models:/<name>/<version> or models:/<name>@<alias>.`);
    const name = m[1] as string;
    const next = await lookup.versionSource(name, m[2] !== undefined ? { version: Number(m[2]) } : { alias: m[3] as string });
    return downloadUri(next, lookup, depth + 1);
  }
  return source;
}

/** The stores a version's download URI is resolved from. */
export interface DownloadStores {
  tracking: Pick<TrackingStore, 'getRun'>;
  registry: Pick<ModelRegistryStore, 'getModelVersion' | 'getModelVersionByAlias'>;
  loggedModels: Pick<LoggedModelStore, 'getLoggedModel'>;
}

/**
 * Where a registered model version's files are, as `model-versions/get-download-uri` answers.
 * @param version the version number, as on the wire or parsed
 * @throws RESOURCE_DOES_NOT_EXIST for a missing model, version or run; INVALID_PARAMETER_VALUE as `downloadUri`
 */
export async function versionDownloadUri(stores: DownloadStores, name: string, version: string | number): Promise<string> {
  const { tracking, registry, loggedModels } = stores;
  const lookup: SourceLookup = {
    runArtifactUri: async (runId) => (await tracking.getRun(runId)).info.artifact_uri,
    loggedModelArtifactUri: async (modelId) => (await loggedModels.getLoggedModel(modelId)).info.artifact_uri,
    versionSource: async (model, ref) => ('alias' in ref ? await registry.getModelVersionByAlias(model, ref.alias) : await registry.getModelVersion(model, ref.version)).version.source,
  };
  return downloadUri((await registry.getModelVersion(name, parseVersion(version))).version.source, lookup);
}
