/**
 * PostgreSQL for tests and benchmarks: a fresh database on the server named by `LABLOG_TEST_PG`
 * (a `postgresql://` URI of a role that may create databases; `.ci/run` exports it), or else on
 * a private cluster this process starts itself with Debian's PostgreSQL binaries (`initdb` and
 * `pg_ctl` under a temporary folder, on a free port, stopped when the process exits; as root,
 * the cluster runs as the `postgres` user, since PostgreSQL refuses to run as root).
 * No system service is used either way.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where Debian puts the server binaries, newest version first. */
function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** A free TCP port on loopback (taken by the caller soon after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let server: Promise<string | null> | null = null;

/** Starts a private cluster; resolves to its base URI (database `postgres`). */
async function startCluster(bin: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lablog-pg-'));
  const data = join(dir, 'data');
  const root = process.getuid?.() === 0;
  // PostgreSQL will not run as root: the cluster belongs to the postgres user then
  const as = (cmd: string, args: string[]) => (root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const port = await freePort();
  execFileSync(...as(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'lablog', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']), { stdio: 'ignore' });
  execFileSync(
    ...as(join(bin, 'pg_ctl'), ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`, 'start']),
    { stdio: 'ignore' },
  );
  process.on('exit', () => {
    spawnSync(...as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']), { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  return `postgresql://lablog@127.0.0.1:${port}/postgres`;
}

/** The server's base URI, or null when there is none (no LABLOG_TEST_PG, no PostgreSQL installed). */
export function postgresServer(): Promise<string | null> {
  server ??= (async () => {
    if (process.env.LABLOG_TEST_PG) return process.env.LABLOG_TEST_PG;
    const bin = binDir();
    return bin ? startCluster(bin) : null;
  })();
  return server;
}

/** Why PostgreSQL tests cannot run here, or null when they can. */
export async function postgresMissing(): Promise<string | null> {
  if (await postgresServer()) return null;
  return 'no PostgreSQL: set LABLOG_TEST_PG=postgresql://… or install Debian\'s postgresql (.ci/run does)';
}

/** The URI of `uri` with another database name. */
function withDatabase(uri: string, db: string): string {
  const u = new URL(uri);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * A new, empty database; its URI. Dropped with `dropDatabase`.
 * @throws when there is no server (check `postgresMissing` first)
 */
export async function freshDatabase(): Promise<string> {
  const base = await postgresServer();
  if (!base) throw new Error((await postgresMissing())!);
  const name = `lablog_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  return withDatabase(base, name);
}

/** Drops a database `freshDatabase` made (connections to it are ended first). */
export async function dropDatabase(uri: string): Promise<void> {
  const base = await postgresServer();
  if (!base) return;
  const name = new URL(uri).pathname.slice(1);
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}
