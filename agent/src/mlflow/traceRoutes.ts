/**
 * MLflow 3 traces (`@mlflow.trace`, autologs that trace). lablog does not store traces: the
 * client's attempt to record one is answered 501 NOT_IMPLEMENTED with a message saying so (the
 * client logs one warning and the traced call returns normally; 501 is not retried), and
 * trace searches answer an empty list, so `mlflow.search_traces()` works and finds none.
 * `/version` answers below 3.4 on purpose, so the client never sends OTLP spans to `/v1/traces`.
 */
import type { FastifyPluginAsync } from 'fastify';
import { MlflowError } from '../errors.js';

/** Route prefixes MLflow 3 puts its trace endpoints under (v3 API), besides the 2.0 ones. */
export const TRACE_V3_PREFIXES = ['/api/3.0/mlflow', '/ajax-api/3.0/mlflow'] as const;

const NOT_STORED = 'lablog does not store traces: this trace was not recorded (your traced code ran normally).';

/** Registers the trace endpoints of one API version under the current prefix. */
export const traceRoutes: FastifyPluginAsync<{ version: 2 | 3 }> = async (app, { version }) => {
  app.post('/traces', async () => {
    throw new MlflowError('NOT_IMPLEMENTED', NOT_STORED);
  });
  if (version === 3) {
    app.post('/traces/search', async () => ({ traces: [] }));
  } else {
    app.get('/traces', async () => ({ traces: [] }));
  }
};
