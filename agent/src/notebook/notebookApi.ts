/**
 * Notebook-linked runs, on the agent's side: the session endpoints, and the whole MLflow API
 * again under `/nb/<session>` — the tracking URI the extension sets in the kernel — where
 * every run created gets the notebook's tags and artifacts (NotebookRuns). An unknown session
 * still gets the full API: code injected in a user's kernel must never make their logging fail.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NOTEBOOK_PREFIX, SESSION_ID_PATTERN } from '@lablog/schema';
import { invalidParameter } from '../errors.js';
import { registerMlflowApi, type AgentStores } from '../mlflow/mlflowApi.js';
import type { NotebookRuns } from './NotebookRuns.js';
import { isSessionId } from './SessionBook.js';
import { sessionRoutes } from './sessionRoutes.js';
import { sessionRunTags } from './sessionTags.js';

const LIVE_PATH = new RegExp(`^${NOTEBOOK_PREFIX}/${SESSION_ID_PATTERN.slice(1, -1)}/ws$`);

/** True for the live channel's path under a session prefix (`/nb/<id>/ws`), where the TS client looks for it. */
export function isNotebookLivePath(path: string): boolean {
  return LIVE_PATH.test(path);
}

function sessionOf(req: FastifyRequest): string {
  return (req.params as { session: string }).session;
}

/** Registers the session endpoints and the session-prefixed MLflow API. */
export async function registerNotebookApi(app: FastifyInstance, stores: AgentStores, notebooks: NotebookRuns): Promise<void> {
  await app.register(sessionRoutes, { notebooks, prefix: '/api/2.0/lablog' });

  await app.register(async (nb) => {
    nb.addHook('onRequest', async (req) => {
      const id = sessionOf(req);
      if (!isSessionId(id)) throw invalidParameter(`Invalid notebook session id '${id}' in the path: it must match ${SESSION_ID_PATTERN}.`);
    });
    await registerMlflowApi(nb, stores, `${NOTEBOOK_PREFIX}/:session`, {
      runCreation: {
        async tags(req) {
          const id = sessionOf(req);
          const session = await notebooks.sessions.find(id).catch((err: unknown) => {
            req.log.warn({ err }, `notebook session ${id} could not be read`);
            return null;
          });
          return sessionRunTags(id, session?.doc ?? null);
        },
        created: (req, run) => notebooks.runCreated(sessionOf(req), run),
        // a run ended through the prefix has its end snapshot stored once the reply arrives
        updated: (_req, run) => notebooks.runUpdated(run),
      },
    });
  });
}
