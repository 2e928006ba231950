/**
 * The client's options, their defaults, and the environment variables they fall back to.
 */
import { type ClientError, warnOnConsole } from './errors.js';
import { env } from './runtime.js';

/** Options of `new Lablog()`. Every one is optional. */
export interface LablogOptions {
  /**
   * The tracking server: a lablog agent (live channel, offline spool) or any MLflow server
   * (REST). Default: env `LABLOG_URL`, else env `MLFLOW_TRACKING_URI` when it is an http(s)
   * URL, else `http://127.0.0.1:5454`.
   */
  url?: string;
  /** Sent as `Authorization: Bearer <token>`. Default: env `LABLOG_TOKEN`, else `MLFLOW_TRACKING_TOKEN`, else none. */
  token?: string;
  /**
   * More headers for every request, read at each one: what a server in front of the agent
   * needs, e.g. a Jupyter server's `Authorization: token …` and `X-XSRFToken` when the agent is
   * reached through JupyterLab's proxy. Default: none.
   */
  headers?: () => Record<string, string>;
  /**
   * The live channel's URL. Default: `url` with a `ws` scheme, plus `/ws`. A server in front of
   * the agent may want its token in the query (browsers send no headers with a WebSocket).
   */
  wsUrl?: string;
  /**
   * Folder of the spool file that keeps operations the server has not acknowledged while it
   * is unreachable (Node and Deno; browsers keep them in memory). `false`: no spool. Default:
   * env `LABLOG_SPOOL_DIR`, else `.lablog-spool` in the current directory — beside the
   * project, so it survives a reboot and the next script run from there replays what a
   * previous one left. The file exists only while it holds something.
   */
  spoolDir?: string | false;
  /** Longest time a logged value waits in the client before its batch is cut. Default 100 ms. */
  flushIntervalMs?: number;
  /** Metric points per batch, at most 1000 (MLflow's limit). Default 1000. */
  maxBatchPoints?: number;
  /**
   * Names this client in the batches it sends, so the agent recognises a batch sent again
   * after a reconnect (1-100 of `A-Za-z0-9_.-`). Must not be shared by two clients running
   * at once. Default: a random id.
   */
  clientId?: string;
  /** `auto`: the live channel when the server is a lablog agent, REST otherwise; `rest`: REST only, as MLflow's own client does. Default `auto`. */
  transport?: 'auto' | 'rest';
  /** How long `flush()` and `endRun()` wait for the server before reporting what is still pending. Default 10 000 ms. */
  flushTimeoutMs?: number;
  /** How long `startRun` waits for the server to create the run when it is reachable (it never waits when it is not). Default 5 000 ms. */
  startTimeoutMs?: number;
  /** How long finding and connecting to the server may take before it counts as unreachable. Default 3 000 ms. */
  connectTimeoutMs?: number;
  /** How long one REST request may take before it is retried. Default 30 000 ms. */
  requestTimeoutMs?: number;
  /** Log batches in flight on the live channel at once. Default 16. */
  maxInFlight?: number;
  /** A batch not acknowledged within this time is taken as lost and the connection is made again. Default 30 000 ms. */
  ackTimeoutMs?: number;
  /** Memory the queue of unsent operations may use before it spills to the spool (or, without one, drops new batches). Default 64 MiB. */
  maxQueuedBytes?: number;
  /** Called with every problem (invalid value, refused batch) as it is found; `null` for none. Default: a console warning (the first 20). */
  onError?: ((e: ClientError) => void) | null;
}

/** Options with every default applied. */
export interface ResolvedOptions extends Required<Omit<LablogOptions, 'token' | 'onError' | 'spoolDir' | 'headers' | 'wsUrl'>> {
  headers: (() => Record<string, string>) | undefined;
  wsUrl: string | undefined;
  token: string | undefined;
  spoolDir: string | false;
  onError: ((e: ClientError) => void) | null;
}

/** Applies defaults and environment variables. */
export function resolveOptions(o: LablogOptions): ResolvedOptions {
  const mlflowUri = env('MLFLOW_TRACKING_URI');
  const url = o.url ?? env('LABLOG_URL') ?? (mlflowUri && /^https?:\/\//.test(mlflowUri) ? mlflowUri : undefined) ?? 'http://127.0.0.1:5454';
  const clientId = o.clientId ?? `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(clientId)) throw new TypeError(`lablog: clientId must be 1-100 of A-Za-z0-9_.-, not '${clientId}'`);
  return {
    url: url.replace(/\/+$/, ''),
    token: o.token ?? env('LABLOG_TOKEN') ?? env('MLFLOW_TRACKING_TOKEN'),
    headers: o.headers,
    wsUrl: o.wsUrl,
    spoolDir: o.spoolDir ?? env('LABLOG_SPOOL_DIR') ?? '.lablog-spool',
    flushIntervalMs: o.flushIntervalMs ?? 100,
    maxBatchPoints: Math.max(1, Math.min(1000, o.maxBatchPoints ?? 1000)),
    clientId,
    transport: o.transport ?? 'auto',
    flushTimeoutMs: o.flushTimeoutMs ?? 10_000,
    startTimeoutMs: o.startTimeoutMs ?? 5_000,
    connectTimeoutMs: o.connectTimeoutMs ?? 3_000,
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    maxInFlight: o.maxInFlight ?? 16,
    ackTimeoutMs: o.ackTimeoutMs ?? 30_000,
    maxQueuedBytes: o.maxQueuedBytes ?? 64 * 1024 * 1024,
    onError: o.onError === undefined ? warnOnConsole() : o.onError,
  };
}
