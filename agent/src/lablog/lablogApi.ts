/**
 * lablog's own read endpoints (beyond MLflow's API), mounted beside it under
 * `/api/2.0/lablog` and `/ajax-api/2.0/lablog`, and under the same `base` (a notebook session
 * prefix) whenever the MLflow API is.
 */
import type { FastifyInstance } from 'fastify';
import type { TrackingStore } from '../store/TrackingStore.js';
import { downsampleRoutes } from './downsampleRoutes.js';
import { filterCheckRoutes } from './filterCheckRoutes.js';
import { runCountRoutes } from './runCountRoutes.js';

/** Route prefixes of lablog's own endpoints, parallel to MLflow's. */
export const LABLOG_PREFIXES = ['/api/2.0/lablog', '/ajax-api/2.0/lablog'] as const;

/** Registers lablog's endpoints on `app` under `base`. */
export async function registerLablogApi(app: FastifyInstance, store: TrackingStore, base = ''): Promise<void> {
  for (const prefix of LABLOG_PREFIXES) {
    await app.register(
      async (scope) => {
        await scope.register(downsampleRoutes, { store });
        await scope.register(filterCheckRoutes);
        await scope.register(runCountRoutes, { store });
      },
      { prefix: base + prefix },
    );
  }
}
