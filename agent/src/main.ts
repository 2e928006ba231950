/**
 * The lablog agent, built apart from listening: `createAgent` opens the store and assembles
 * the HTTP server; only `listen` (called by the CLI, or by tests with port 0) binds a port.
 *
 * Request path: security guard (http/security) → schema validation (http/validation, schemas
 * in @lablog/schema) → route (mlflow/*) → tracking store (store/TrackingStore: a folder or
 * PostgreSQL, chosen in store/openStores) → its change feed → live hub (live/Hub) → WebSocket
 * subscribers on /ws (live/liveSocket, live/LiveConnection).
 * Errors of any stage become responses in http/errorHandler.
 */
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { registerAgentInfo } from './http/agentInfo.js';
import { DEFAULT_BODY_LIMIT } from './http/bodyLimits.js';
import { onClientError } from './http/clientErrors.js';
import { installErrorHandling } from './http/errorHandler.js';
import { errorReply } from './http/errorReply.js';
import { invalidParameter, MlflowError } from './errors.js';
import { openTeamAuth, registerNoAuthRoutes, type AuthOptions, type TeamAuth } from './auth/TeamAuth.js';
import { resourceLookup } from './auth/resourceLookup.js';
import { experimentPager } from './auth/experimentRefill.js';
import { ownerOnly } from './http/peerUser.js';
import { REQUEST_LOG } from './http/redact.js';
import { isLoopback, originCheck, requestGuard } from './http/security.js';
import { installServerLimits, SERVER_LIMITS, serverOptions, type ServerLimits } from './http/serverLimits.js';
import { validatorCompiler } from './http/validation.js';
import { openArtifactRepository } from './artifacts/openArtifactRepository.js';
import { attachLiveChannel, LIVE_DEFAULTS, type LiveChannel, type LiveOptions } from './live/liveSocket.js';
import { registerMlflowApi } from './mlflow/mlflowApi.js';
import { isNotebookLivePath, registerNotebookApi } from './notebook/notebookApi.js';
import { NotebookRuns } from './notebook/NotebookRuns.js';
import { SessionBook } from './notebook/SessionBook.js';
import { SystemSampler, type SystemSamplerOptions } from './system/SystemSampler.js';
import { isPagePath, registerPage } from './http/page.js';
import type { FileStore } from './store/FileStore.js';
import { openStores } from './store/openStores.js';
import type { TrackingStore } from './store/TrackingStore.js';

/** Options of an agent. */
export interface AgentOptions {
  /** Store: a folder (created when absent) or a `postgresql://…` database (see store/openStores). */
  store: string;
  /** With a PostgreSQL store, the folder of artifacts and notebook sessions. Default `./.lablog`. */
  files?: string;
  /**
   * Where artifact files are kept: undefined for the store folder (the default), or an
   * S3-compatible bucket, `s3://bucket/prefix`, reached the usual AWS way (AWS_ENDPOINT_URL(_S3),
   * AWS_REGION, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or another source the AWS SDK reads).
   */
  artifacts?: string | undefined;
  /** Address the agent will listen on; the Host check uses it. Default 127.0.0.1. */
  host?: string;
  /** Browser origins allowed besides loopback ones. */
  allowOrigins?: readonly string[];
  /** Host names clients may use besides loopback ones, the bound address and this machine's names (and addresses, on 0.0.0.0 / ::). */
  allowHosts?: readonly string[];
  /** Token every request must carry as `Authorization: Bearer`. */
  token?: string | undefined;
  /** Log requests to stdout (pino). Default false. */
  logger?: boolean;
  /** Folder of the standalone page bundle served at `/`. Default: `agent/page/`, where `npm run build` puts it. */
  pageDir?: string;
  /** Live channel limits (heartbeat, backpressure, history kept for resuming); defaults in LIVE_DEFAULTS. */
  live?: Partial<LiveOptions>;
  /**
   * A secret the Jupyter server's proxy adds to every request it forwards (`x-lablog-proxy`):
   * such a request keeps Jupyter's Host (see http/security). Default: none.
   */
  proxySecret?: string | undefined;
  /** HTTP server limits (connections, timeouts, large bodies at once); defaults in SERVER_LIMITS. */
  limits?: Partial<ServerLimits>;
  /**
   * The user (uid) served on loopback when there is no token: connections from other local users
   * are refused (Linux; see http/peerUser). Default: the agent process's user. Root is always served.
   */
  owner?: number;
  /** System metrics of notebook-linked runs: the interval (default 10 s, 0 = off) and the GPU tool (default `nvidia-smi`). */
  systemMetrics?: SystemSamplerOptions;
  /**
   * Users and permissions (MLflow's basic-auth app): sign-in on every request, permissions per
   * experiment and registered model. Needs a PostgreSQL store. Default: none (a local agent).
   */
  auth?: AuthOptions | undefined;
}

/** A running agent. */
export interface Agent {
  readonly app: FastifyInstance;
  /** The folder store (artifacts, sessions; runs, registry and logged models too on the file engine). */
  readonly store: FileStore;
  /** The tracking store routes and the live channel use. */
  readonly tracking: TrackingStore;
  /** The WebSocket channel on `/ws`. */
  readonly live: LiveChannel;
  /** The system metrics of notebook-linked runs. */
  readonly sampler: SystemSampler;
  /** Users and permissions, on a team server started with them. */
  readonly auth: TeamAuth | undefined;
  /** Binds `port` (0 = any free one) on the configured host; resolves to the base URL. */
  listen(port?: number): Promise<string>;
  /** Stops accepting requests, finishes the ones under way, flushes and releases the store. Idempotent. */
  close(): Promise<void>;
}

/** How long requests under way may take to finish when the agent stops. */
const CLOSE_GRACE_MS = 5000;

/** The agent's version, sent as `x-lablog-version` on every response. */
export const AGENT_VERSION = '0.1.0';

/**
 * Opens the store and builds the agent.
 * @throws MlflowError(INVALID_STATE) when another agent holds the store
 */
export async function createAgent(opts: AgentOptions): Promise<Agent> {
  const host = opts.host ?? '127.0.0.1';
  const opened = await openStores(opts.store, opts.files ?? './.lablog');
  const { tracking, files: store } = opened;
  // a bucket that cannot be used stops the agent here, before it serves anything
  const artifacts = await openArtifactRepository(opts.artifacts, store.dir).catch(async (err: unknown) => {
    await opened.close();
    throw err;
  });
  let auth: TeamAuth | undefined;
  if (opts.auth) {
    try {
      if (tracking.engine !== 'postgresql') throw new MlflowError('INVALID_PARAMETER_VALUE', 'Users and permissions (--auth) need the team server\'s PostgreSQL store: --store postgresql://…');
      const lookup = resourceLookup(tracking, async (id) => (await opened.loggedModels.getLoggedModel(id)).info.experiment_id);
      auth = await openTeamAuth(opts.store, { lookup, experiments: experimentPager(tracking) }, opts.auth);
    } catch (err) {
      await artifacts.close();
      await opened.close();
      throw err;
    }
  }
  const limits = { ...SERVER_LIMITS, ...opts.limits };
  const app = Fastify({
    // requests are logged with their URL's token redacted and no headers (http/redact)
    logger: opts.logger ? REQUEST_LOG : false,
    // each route's own limit is set as it is registered (http/bodyLimits)
    bodyLimit: DEFAULT_BODY_LIMIT,
    ...serverOptions(limits),
    // on close, idle connections go at once and requests under way finish (see close())
    forceCloseConnections: 'idle',
    // those still get full answers (CORS headers included; the store is open until they are done)
    return503OnClosing: false,
    // errors Fastify finds before routing (a malformed URL) get an MLflow body too
    frameworkErrors: (err, _req, reply) => {
      const r = errorReply(invalidParameter(`Bad request: ${err.message}`));
      void (reply as FastifyReply).status(r.status).send(r.body);
    },
    // requests the HTTP parser refuses (431, malformed) get an MLflow body too
    clientErrorHandler: onClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandling(app);
  installServerLimits(app, limits);

  const allowOrigins = opts.allowOrigins ?? [];
  // with users, each request names its user (auth/): the one shared token has no part
  const guard = requestGuard({ host, allowOrigins, allowHosts: opts.allowHosts ?? [], token: auth ? undefined : opts.token, tokenFree: isPagePath, proxySecret: opts.proxySecret });
  // on a shared machine only the agent's owner reaches it: without a token, the user behind each
  // loopback connection is asked of the kernel (http/peerUser)
  const peerCheck = auth || opts.token || !isLoopback(host) ? undefined : ownerOnly(opts.owner ?? process.getuid?.() ?? 0);
  app.addHook('onRequest', async (req, reply) => {
    // lets clients tell a lablog agent (live channel, client run ids) from a plain MLflow server
    reply.header('x-lablog-version', AGENT_VERSION);
    const path = req.url.split('?')[0] ?? '';
    guard(req.headers, path, req.method);
    if (peerCheck && path !== '/health') await peerCheck(req.raw.socket);
  });
  auth?.installHooks(app);
  // browser pages on allowed origins (a local JupyterLab) may call the API
  const allowedOrigin = originCheck(allowOrigins);
  await app.register(cors, {
    origin: (origin, cb) => cb(null, origin === undefined || allowedOrigin(origin)),
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization'],
    exposedHeaders: ['x-lablog-version'],
  });

  if (auth) await auth.registerRoutes(app);
  else registerNoAuthRoutes(app);
  const stores = { tracking, registry: opened.registry, loggedModels: opened.loggedModels, files: store, artifacts: artifacts.repository };
  await registerMlflowApi(app, stores);
  let listening = '';
  registerAgentInfo(app, () => listening, AGENT_VERSION);
  // notebook-linked runs: session endpoints, and the API again under /nb/<session>
  const sessions = await SessionBook.open(store.dir);
  const notebooks = new NotebookRuns(store, artifacts.repository, sessions, tracking.feed, app.log);
  // session runs that ended while no agent wrote their end snapshot (one stopped in between)
  void notebooks.catchUp(tracking);
  await registerNotebookApi(app, stores, notebooks);
  // system metrics of those runs while they are active, logged like any metric
  const sampler = new SystemSampler(tracking, sessions, app.log, opts.systemMetrics);
  // (and those still active from before the agent started, whose kernel still runs)
  void sampler.resume(tracking);
  await registerPage(app, opts.pageDir);
  const live = attachLiveChannel(app.server, tracking, guard, { ...LIVE_DEFAULTS, ...opts.live }, (path) => path === '/ws' || isNotebookLivePath(path), peerCheck, auth?.liveSignIn);

  let closing: Promise<void> | null = null;
  return {
    app,
    store,
    tracking,
    live,
    sampler,
    auth,
    async listen(port = 0) {
      await app.listen({ port, host });
      const addr = app.server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : port;
      const shown = host.includes(':') ? `[${host}]` : host;
      listening = `http://${shown}:${bound}`;
      store.announce(listening);
      return listening;
    },
    close() {
      closing ??= (async () => {
        await live.close();
        await sampler.close();
        // requests under way get a grace to finish (a durable write answers in ms); a client
        // that would hold the agent open past it (a stalled upload) is cut off
        const cut = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
        await app.close();
        clearTimeout(cut);
        await notebooks.close();
        await artifacts.close();
        await opened.close();
        await auth?.close();
      })();
      return closing;
    },
  };
}
