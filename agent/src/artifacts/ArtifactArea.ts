/**
 * Whose artifact folder a request means: a run's (`runs/<run_id>/artifacts/`) or an MLflow 3
 * logged model's (`models/<model_id>/artifacts/`), found from a run or model id, a proxied
 * path (`<exp_id>/<run_id>/artifacts/…`, `<exp_id>/models/<model_id>/artifacts/…`) or an
 * artifact URI (`mlflow-artifacts:/…`, `http(s)://…/mlflow-artifacts/artifacts/…`, `runs:/…`,
 * `models:/<model_id>`).
 *
 * Every engine lays the areas out alike under its root (the store folder, or the bucket's
 * prefix): `runs/<run_id>/artifacts/`, `models/<model_id>/artifacts/`, and `proxy-artifacts/`
 * for proxied paths that are no run's or model's, so that emptying that root never touches a run.
 */
import { invalidParameter, notFound } from '../errors.js';
import type { LoggedModelStore } from '../loggedModels/LoggedModelStore.js';
import type { FileStore } from '../store/FileStore.js';
import type { ArtifactRepository } from './ArtifactRepository.js';
import { checkRelPath, joinRel, proxiedTarget, type ProxiedTarget, type RelPath } from './artifactPath.js';

/** An artifact folder with what the API needs around it. */
export interface ArtifactArea {
  /** The area's files. */
  repository: ArtifactRepository;
  /** The owner's artifact URI (`root_uri` of listings). */
  rootUri: string;
  /** Announces a written or deleted artifact to live viewers (for runs; models have no live events). */
  changed(rel: RelPath, size: number, deleted?: boolean): void;
}

/** What artifact areas are found from: the folder store (runs), the logged models and the artifact repository (its root). */
export interface ArtifactOwners {
  files: FileStore;
  loggedModels: Pick<LoggedModelStore, 'getLoggedModel'>;
  artifacts: ArtifactRepository;
}

/** A location inside an artifact area. */
export interface ArtifactLocation {
  area: ArtifactArea;
  rel: RelPath;
}

/**
 * A run's artifact area.
 * @param artifacts the agent's artifact repository (its root)
 * @throws RESOURCE_DOES_NOT_EXIST
 */
export function runArtifacts(store: FileStore, artifacts: ArtifactRepository, runId: string): ArtifactArea {
  const run = store.getRun(runId);
  return {
    repository: artifacts.within(['runs', runId, 'artifacts']),
    rootUri: run.info.artifact_uri,
    changed: (rel, size, deleted) => store.artifactChanged(runId, joinRel(rel), size, deleted),
  };
}

/**
 * A logged model's artifact area.
 * @throws RESOURCE_DOES_NOT_EXIST
 */
export async function modelArtifacts(owners: ArtifactOwners, modelId: string): Promise<ArtifactArea> {
  const model = await owners.loggedModels.getLoggedModel(modelId);
  return {
    repository: owners.artifacts.within(['models', model.info.model_id, 'artifacts']),
    rootUri: model.info.artifact_uri,
    changed: () => undefined,
  };
}

/** The folder where the proxy keeps paths that are no run's or logged model's artifacts. */
export const PROXY_ROOT_FOLDER = 'proxy-artifacts';

/** The proxy's own root: files uploaded to paths outside every run and logged model (`mlflow-artifacts:/<path>`). */
export function proxyRootArtifacts(artifacts: ArtifactRepository): ArtifactArea {
  return {
    repository: artifacts.within([PROXY_ROOT_FOLDER]),
    rootUri: 'mlflow-artifacts:/',
    changed: () => undefined,
  };
}

async function proxiedArea(owners: ArtifactOwners, target: ProxiedTarget): Promise<ArtifactArea> {
  const { files, artifacts } = owners;
  if (target.kind === 'root') return proxyRootArtifacts(artifacts);
  if (target.kind === 'run') {
    const area = runArtifacts(files, artifacts, target.runId);
    if (files.getRun(target.runId).info.experiment_id !== target.experimentId) {
      throw notFound(`Run '${target.runId}' is not in experiment '${target.experimentId}'.`);
    }
    return area;
  }
  const model = await owners.loggedModels.getLoggedModel(target.modelId);
  if (model.info.experiment_id !== target.experimentId) {
    throw notFound(`Logged model '${target.modelId}' is not in experiment '${target.experimentId}'.`);
  }
  return modelArtifacts(owners, target.modelId);
}

/**
 * Where a proxied artifact path (the `<path>` of `/mlflow-artifacts/artifacts/<path>`) points.
 * @throws 400 INVALID_PARAMETER_VALUE for an unsafe path; 404 RESOURCE_DOES_NOT_EXIST when a
 *   run's or model's path names one that does not exist or is in another experiment
 */
export async function locateProxied(owners: ArtifactOwners, path: string): Promise<ArtifactLocation> {
  const target = proxiedTarget(path);
  return { area: await proxiedArea(owners, target), rel: target.rel };
}

const PROXY_PATH = '/mlflow-artifacts/artifacts/';

/**
 * Where an artifact URI points, when its files are in this agent's store.
 * @throws 400 INVALID_PARAMETER_VALUE for a URI whose files are elsewhere (`file:`, `s3:`, …) or
 *   an unsafe path; 404 when the run or model does not exist
 */
export async function locateArtifactUri(owners: ArtifactOwners, uri: string): Promise<ArtifactLocation> {
  const runs = /^runs:\/+([^/]+)\/?(.*)$/.exec(uri);
  if (runs) return { area: runArtifacts(owners.files, owners.artifacts, runs[1] as string), rel: checkRelPath(runs[2] as string) };
  const model = /^models:\/+(m-[0-9a-f]{32})\/?$/.exec(uri);
  if (model) return { area: await modelArtifacts(owners, model[1] as string), rel: [] };
  const proxied = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(uri);
  if (proxied) return locateProxied(owners, proxied[1] as string);
  const http = /^https?:\/\/[^/]+(\/[^?#]*)/.exec(uri);
  const at = http ? (http[1] as string).indexOf(PROXY_PATH) : -1;
  if (http && at >= 0) {
    let path: string;
    try {
      path = decodeURIComponent((http[1] as string).slice(at + PROXY_PATH.length));
    } catch {
      throw invalidParameter(`Invalid artifact URI '${uri}': bad percent-encoding.`);
    }
    return locateProxied(owners, path);
  }
  throw invalidParameter(`The artifacts at '${uri}' are not in this agent's store, so it cannot serve them.`);
}
