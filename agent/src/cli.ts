/**
 * `lablog` command line: `lablog serve` runs the agent; `lablog import` reads an MLflow file
 * store into the store; `lablog export` writes runs as JSON or CSV; `lablog jupyter install`
 * adds the JupyterLab extension. Flags override environment
 * variables (LABLOG_STORE, LABLOG_PORT, LABLOG_TOKEN), which override defaults.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isLoopback } from './http/security.js';
import { isPermissionName } from './auth/permissions.js';
import type { AuthOptions } from './auth/TeamAuth.js';
import { AGENT_VERSION, createAgent } from './main.js';
import { MlflowError } from './errors.js';
import { isPostgresUri } from './store/openStores.js';
import { CommandFailure } from './importExport/CommandFailure.js';
import { exportCommand } from './importExport/exportCommand.js';
import { importCommand } from './importExport/importCommand.js';
import { liveAgent, newProxySecret, removeAgentFile, writeAgentFile } from './jupyter/agentFile.js';
import { jupyterCommand } from './jupyter/jupyterCommand.js';
import { forwardPort } from './jupyter/portForwarder.js';

const HELP = `lablog — experiment tracking for notebooks, MLflow-compatible

Usage:
  lablog serve [options]     run the agent
  lablog import <mlruns-dir> [--store DIR]
                             read an MLflow file store (./mlruns) into the store
  lablog export (--run ID | --experiment ID) [--format json|csv] [--out FILE] [--store DIR]
                             write params, latest metrics and metric histories
                             (lablog import --help, lablog export --help for more)
  lablog jupyter install|uninstall [--user | --sys-prefix | --dir DIR]
                             add lablog's run panel to JupyterLab 4, or remove it

Options of serve:
  --host ADDR            address to bind (default 127.0.0.1; anything off loopback needs --token)
  --port N               port (default 5454, env LABLOG_PORT; 0 picks a free one)
  --store DIR|URI        store folder (default ./.lablog, env LABLOG_STORE), or a PostgreSQL database
                         postgresql://user@host:port/db (a team server: several agents on one database
                         are one server; the password goes in PGPASSWORD or ~/.pgpass, not the URI)
  --files DIR            with a PostgreSQL store, the folder of artifacts and notebook sessions
                         (default ./.lablog, env LABLOG_FILES)
  --artifacts s3://BUCKET/PREFIX
                         keep artifact files in an S3-compatible bucket instead of the store folder
                         (env LABLOG_ARTIFACTS); endpoint and credentials the usual AWS way:
                         AWS_ENDPOINT_URL(_S3), AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
  --token-file FILE      require "Authorization: Bearer <token>", the token being FILE's first line
                         (env LABLOG_TOKEN_FILE, or the token itself in env LABLOG_TOKEN; MLflow
                         clients send MLFLOW_TRACKING_TOKEN). Keep FILE private (chmod 600)
  --token TOKEN          the same, but any user can read TOKEN in the process list: prefer the above
  --allow-origin ORIGIN  allow browser requests from ORIGIN (repeatable), e.g. a JupyterLab reaching the
                         agent directly (http://localhost:8888); the agent's own origin is always allowed
  --allow-host NAME      accept requests addressed to NAME (repeatable), e.g. a DNS name of this machine
  --system-metrics-interval SECONDS
                         how often the system metrics of notebook-linked runs are sampled (default 10,
                         as MLflow; env LABLOG_SYSTEM_METRICS_INTERVAL; 0 turns them off)
  --auth                 users and permissions (MLflow's basic-auth way; needs a PostgreSQL --store): every
                         request signs in (MLFLOW_TRACKING_USERNAME/PASSWORD, a personal token, or the
                         page's sign-in); READ / EDIT / MANAGE per experiment and registered model.
                         The first admin's password comes from env LABLOG_ADMIN_PASSWORD (never a flag)
  --admin-user NAME      the first admin's name (default admin, env LABLOG_ADMIN_USER)
  --default-permission P what users have where nothing was granted: READ (default), EDIT, MANAGE or
                         NO_PERMISSIONS (env LABLOG_DEFAULT_PERMISSION)
  --log                  log every request
  --jupyter              as the Jupyter server starts it (jupyterlab-lablog): when an agent already
                         serves the store, forward --port to it instead of starting another; stop
                         when the parent process (the Jupyter server) goes away
  -h, --help             this help

Once listening, the agent writes <store>/agent.json (its URL, pid and the secret the Jupyter server's
proxy sends, env LABLOG_PROXY_SECRET or a random one), and removes it when it stops.
`;

/**
 * The token: from a file (first line), else `--token` (with a warning: the process list shows
 * it to every user), else LABLOG_TOKEN; undefined for none.
 */
async function readToken(flag: string | undefined, file: string | undefined): Promise<string | undefined> {
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      fail(`cannot read the token file ${file}: ${(err as Error).message}`);
    }
    const token = text.split(/\r?\n/, 1)[0]!.trim();
    if (!token) fail(`the token file ${file} is empty`);
    return token;
  }
  if (flag !== undefined) {
    process.stderr.write('lablog: --token is visible to every user of this machine in the process list; use --token-file or LABLOG_TOKEN\n');
    return flag;
  }
  return process.env.LABLOG_TOKEN || undefined;
}

function fail(message: string, code = 2): never {
  process.stderr.write(`lablog: ${message}\n`);
  process.exit(code);
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      store: { type: 'string' },
      files: { type: 'string' },
      artifacts: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      'allow-host': { type: 'string', multiple: true },
      'system-metrics-interval': { type: 'string' },
      log: { type: 'boolean' },
      auth: { type: 'boolean' },
      'admin-user': { type: 'string' },
      'default-permission': { type: 'string' },
      jupyter: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const host = values.host ?? '127.0.0.1';
  const portText = values.port ?? process.env.LABLOG_PORT ?? '5454';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535, not '${portText}'`);
  const storeArg = values.store ?? process.env.LABLOG_STORE ?? '.lablog';
  const database = isPostgresUri(storeArg) ? storeArg : undefined;
  // with a database, `store` is the folder of what stays in files (agent.json goes there too)
  const store = resolve(database ? (values.files ?? process.env.LABLOG_FILES ?? '.lablog') : storeArg);
  const token = await readToken(values.token, values['token-file'] ?? process.env.LABLOG_TOKEN_FILE);
  const auth = values.auth ? authOptions(values['admin-user'], values['default-permission']) : undefined;
  if (auth && !database) fail('--auth needs the team server\'s PostgreSQL store: --store postgresql://user@host:port/db');
  if (auth && token) fail('with --auth every user signs in with their own credentials (a password or a personal token): drop --token / --token-file / LABLOG_TOKEN');
  if (!isLoopback(host) && !token && !auth) {
    fail(`binding ${host} exposes the agent beyond this machine; give a token with --token or LABLOG_TOKEN, or turn users on with --auth`);
  }

  const jupyter = values.jupyter ?? false;
  if (jupyter && (await forwardToRunning(store, host, port))) return;
  const proxySecret = process.env.LABLOG_PROXY_SECRET || newProxySecret();

  const artifacts = values.artifacts ?? (process.env.LABLOG_ARTIFACTS || undefined);
  const intervalText = values['system-metrics-interval'] ?? process.env.LABLOG_SYSTEM_METRICS_INTERVAL ?? '10';
  const interval = Number(intervalText);
  if (!Number.isFinite(interval) || interval < 0) fail(`--system-metrics-interval must be a number of seconds (0 = off), not '${intervalText}'`);
  let agent;
  try {
    agent = await createAgent({ store: database ?? store, files: store, artifacts, host, token, allowOrigins: values['allow-origin'] ?? [], allowHosts: values['allow-host'] ?? [], logger: values.log ?? false, proxySecret, systemMetrics: { intervalMs: Math.round(interval * 1000) }, auth });
  } catch (err) {
    // another agent took the store meanwhile (two Jupyter servers starting at once): use it
    if (jupyter && err instanceof MlflowError && (await forwardToRunning(store, host, port, 10_000))) return;
    if (err instanceof MlflowError) fail(err.message, 1);
    throw err;
  }
  let url: string;
  try {
    url = await agent.listen(port);
  } catch (err) {
    await agent.close();
    const e = err as NodeJS.ErrnoException;
    fail(e.code === 'EADDRINUSE' ? `port ${port} on ${host} is in use; choose another with --port` : e.message, 1);
  }
  await writeAgentFile(store, { url, pid: process.pid, version: AGENT_VERSION, proxy_secret: proxySecret });
  process.stdout.write(
    `lablog agent on ${url}  (store: ${database ? `${redactPassword(database)}, files: ${store}` : store}${artifacts ? `, artifacts: ${artifacts}` : ''})\n` +
      `  open ${url}/ in a browser${token ? ` (first time: ${url}/#token=<token>)` : ''}\n` +
      `  export MLFLOW_TRACKING_URI=${url}\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`lablog: ${signal}, flushing and stopping\n`);
    Promise.all([agent.close(), removeAgentFile(store)]).then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`lablog: error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  if (jupyter) watchParent(() => stop('the Jupyter server stopped'));
}

/**
 * Forwards `host:port` to the agent already serving `store`, if there is one (waiting up to
 * `waitMs` for it to write its agent.json). Returns false when there is none.
 */
async function forwardToRunning(store: string, host: string, port: number, waitMs = 0): Promise<boolean> {
  const until = Date.now() + waitMs;
  let running = await liveAgent(store);
  while (!running && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    running = await liveAgent(store);
  }
  if (!running) return false;
  const server = await forwardPort(host, port, running.url).catch((err: NodeJS.ErrnoException) => fail(err.code === 'EADDRINUSE' ? `port ${port} on ${host} is in use` : err.message, 1));
  process.stdout.write(`lablog: the agent on ${running.url} (pid ${running.pid}) already serves ${store}; forwarding ${host}:${port} to it\n`);
  const stop = () => {
    server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  watchParent(stop);
  return true;
}

/**
 * Calls `stop` once the parent process is gone (this process is handed to another parent):
 * an agent the Jupyter server started never outlives it, even when it was killed.
 */
function watchParent(stop: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop();
    }
  }, 1000);
  timer.unref();
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'import':
    case 'export':
    case 'jupyter':
      try {
        return await (command === 'import' ? importCommand(rest) : command === 'export' ? exportCommand(rest) : jupyterCommand(rest));
      } catch (err) {
        if (err instanceof CommandFailure) fail(err.message, err.exitCode);
        throw err;
      }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(HELP);
      return;
    default:
      fail(`unknown command '${command}'\n\n${HELP}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  fail(err instanceof Error ? err.message : String(err), 1);
});

/** Users and permissions from the flags and environment (the admin password only from the environment). */
function authOptions(adminUser: string | undefined, defaultPermission: string | undefined): AuthOptions {
  const permission = defaultPermission ?? process.env.LABLOG_DEFAULT_PERMISSION ?? 'READ';
  if (!isPermissionName(permission)) fail(`--default-permission must be READ, EDIT, MANAGE or NO_PERMISSIONS, not '${permission}'`);
  const adminPassword = process.env.LABLOG_ADMIN_PASSWORD || undefined;
  // read once; processes the agent starts never inherit it
  delete process.env.LABLOG_ADMIN_PASSWORD;
  return { adminUser: adminUser ?? (process.env.LABLOG_ADMIN_USER || undefined), adminPassword, defaultPermission: permission };
}

/** A database URI as it may be printed: its password (if one was given) replaced. */
function redactPassword(uri: string): string {
  return uri.replace(/^(\w+:\/\/[^:/@]*):[^@]*@/, '$1:***@');
}
