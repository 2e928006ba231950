/**
 * How large a request body each route accepts: what the route needs, no more. A body is read
 * whole and parsed before the route runs, so the limit is what one request can cost the agent
 * in memory (several times the body, once parsed). Most MLflow requests are a few KB; the
 * routes below carry more by nature. Artifact uploads are streamed to disk and have no limit.
 */
import { BATCH_LIMITS } from '@lablog/schema';

const MB = 1024 * 1024;

/** The limit of every JSON route not listed in ROUTE_BODY_LIMITS. */
export const DEFAULT_BODY_LIMIT = MB;

/** Routes that need more, by the end of their path (they are mounted under several prefixes). */
const ROUTE_BODY_LIMITS: ReadonlyArray<readonly [suffix: string, bytes: number]> = [
  // MLflow's own limit of one log-batch request
  ['/runs/log-batch', BATCH_LIMITS.bytes],
  // a dataset's profile may take 16 MB and its schema 1 MB (MLflow's limits), plus its source
  ['/runs/log-inputs', 20 * MB],
  // a model's MLmodel document, signature and input example included
  ['/runs/log-model', 4 * MB],
  // the UI's upload of one file (MLflow's limit)
  ['/upload-artifact', 10 * MB],
  // a notebook as it is in the editor, outputs (images, plots) included
  ['/sessions/:session/notebook', 64 * MB],
  // the images (base64) and console text one cell displayed
  ['/sessions/:session/outputs', 64 * MB],
  // cells that finished running, their source included
  ['/sessions/:session/executions', 16 * MB],
  // a registration: kernel, git state and the package list (see RegisterSession's caps)
  ['/sessions/:session', 2 * MB],
];

/** The body limit of the route at `url` (its pattern, e.g. `/api/2.0/mlflow/runs/log-batch`). */
export function bodyLimitOf(url: string): number {
  for (const [suffix, bytes] of ROUTE_BODY_LIMITS) if (url.endsWith(suffix)) return bytes;
  return DEFAULT_BODY_LIMIT;
}
