/**
 * The MLflow tracking REST API, mounted under `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow`
 * as MLflow mounts it, plus `/health` and `/version`, and the artifact routes (the
 * mlflow-artifacts proxy API and the UI downloads, see artifacts/artifactApi).
 */
import type { FastifyInstance } from 'fastify';
import { registerArtifactApi } from '../artifacts/artifactApi.js';
import type { ArtifactRepository } from '../artifacts/ArtifactRepository.js';
import { runArtifactListRoutes } from '../artifacts/runArtifactRoutes.js';
import { recordFloatLiterals } from '../http/jsonBody.js';
import { registerLablogApi } from '../lablog/lablogApi.js';
import type { LoggedModelStore } from '../loggedModels/LoggedModelStore.js';
import { loggedModelRoutes } from '../loggedModels/loggedModelRoutes.js';
import type { ModelRegistryStore } from '../registry/ModelRegistryStore.js';
import type { FileStore } from '../store/FileStore.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import { experimentRoutes } from './experimentRoutes.js';
import { loggingRoutes } from './loggingRoutes.js';
import { metricRoutes } from './metricRoutes.js';
import { modelVersionRoutes } from './modelVersionRoutes.js';
import { registeredModelRoutes } from './registeredModelRoutes.js';
import { runRoutes, type RunCreationHooks } from './runRoutes.js';
import { serverInfoRoutes } from './serverInfoRoutes.js';
import { TRACE_V3_PREFIXES, traceRoutes } from './traceRoutes.js';
import { uiRoutes } from './uiRoutes.js';

/** The MLflow version whose tracking API the agent implements; `/version` answers it. */
export const MLFLOW_API_VERSION = '2.12.2';

/** Route prefixes MLflow registers every tracking endpoint under. */
export const MLFLOW_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;

/** What a mount of the API adds to the default behaviour. */
export interface MlflowApiOptions {
  /** What runs created under this mount get (a notebook session's tags and snapshots). */
  runCreation?: RunCreationHooks;
}

/**
 * The stores routes call: the tracking store (experiments, runs, metrics), the model registry and
 * the logged models (each a folder's or PostgreSQL's), the folder store of artifact files and
 * sessions, and the artifact repository (the store folder or an S3 bucket).
 */
export interface AgentStores {
  tracking: TrackingStore;
  registry: ModelRegistryStore;
  loggedModels: LoggedModelStore;
  files: FileStore;
  artifacts: ArtifactRepository;
}

/** Registers the tracking API on `app` (under `base`, e.g. a notebook session prefix). */
export async function registerMlflowApi(app: FastifyInstance, stores: AgentStores, base = '', opts: MlflowApiOptions = {}): Promise<void> {
  const { tracking, files: store, artifacts } = stores;
  for (const prefix of MLFLOW_PREFIXES) {
    await app.register(
      async (scope) => {
        recordFloatLiterals(scope);
        await scope.register(experimentRoutes, { store: tracking });
        await scope.register(runRoutes, { store: tracking, creation: opts.runCreation });
        await scope.register(loggingRoutes, { store: tracking });
        await scope.register(metricRoutes, { store: tracking });
        await scope.register(registeredModelRoutes, { registry: stores.registry });
        await scope.register(modelVersionRoutes, { stores });
        await scope.register(runArtifactListRoutes, { store, artifacts });
        await scope.register(loggedModelRoutes, { stores });
        await scope.register(uiRoutes, { store: tracking, files: store, artifacts });
        await scope.register(traceRoutes, { version: 2 });
      },
      { prefix: base + prefix },
    );
  }
  for (const prefix of TRACE_V3_PREFIXES) {
    await app.register(traceRoutes, { version: 3, prefix: base + prefix });
    await app.register(serverInfoRoutes, { prefix: base + prefix });
  }
  await registerArtifactApi(app, stores, base);
  await registerLablogApi(app, tracking, base);
  app.get(`${base}/health`, async (_req, reply) => reply.type('text/plain').send('OK'));
  app.get(`${base}/version`, async (_req, reply) => reply.type('text/plain').send(MLFLOW_API_VERSION));
}
