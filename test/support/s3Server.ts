/**
 * A real S3-speaking server for tests and benchmarks: s3proxy (from Maven Central, pinned in
 * .ci/run) with its filesystem backend, started on a free port over a temporary folder, checking
 * signatures against a key pair of its own. The jar is named by LABLOG_S3PROXY_JAR (.ci/run sets
 * it), else looked for where .ci/run caches it. Without a jar, `s3Skip()` says why S3 runs are
 * skipped; under CI (CI=true) a missing jar is an error, so CI never skips them.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The s3proxy version .ci/run fetches (keep the two in step). */
export const S3PROXY_VERSION = '4.1.0';

/** The jar to run, or undefined when there is none. */
export function s3proxyJar(): string | undefined {
  if (process.env.LABLOG_S3PROXY_JAR) return process.env.LABLOG_S3PROXY_JAR;
  const cached = join(process.env.LABLOG_CI_CACHE ?? join(homedir(), '.cache', 'lablog-ci'), `s3proxy-${S3PROXY_VERSION}`, `s3proxy-${S3PROXY_VERSION}-jar-with-dependencies.jar`);
  return existsSync(cached) ? cached : undefined;
}

/**
 * Why S3 runs are skipped here, or false when they run.
 * @throws under CI, when there is no jar: CI must run them
 */
export function s3Skip(): string | false {
  const jar = s3proxyJar();
  if (jar && existsSync(jar)) return false;
  const why = jar ? `LABLOG_S3PROXY_JAR=${jar} does not exist` : 'no s3proxy jar (.ci/run fetches it; or set LABLOG_S3PROXY_JAR)';
  if (process.env.CI === 'true') throw new Error(`S3 tests cannot run: ${why}`);
  return why;
}

/** A running S3 server. */
export interface S3Server {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The environment an agent reaches the server with (AWS_ENDPOINT_URL_S3, keys, region). */
  env: Record<string, string>;
  /** A client of the server, for tests that look into the bucket. */
  client: S3Client;
  /** Creates a bucket with a fresh name; resolves to the name. */
  createBucket(): Promise<string>;
  /** Stops the server and removes its folder. Idempotent. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** Waits until `child` prints that it listens; rejects if it exits first or takes too long. */
function started(child: ChildProcess, output: () => string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3proxy did not start in ${ms} ms:\n${output().slice(-3000)}`)), ms);
    const check = () => {
      if (/Started .*ServerConnector/.test(output())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3proxy exited (${code}) before it listened:\n${output().slice(-3000)}`));
    });
  });
}

/**
 * Starts s3proxy on a free port with an empty filesystem backend.
 * @param jvmOptions extra JVM flags (benchmarks leave the JIT at its full level; tests start faster with C1 only)
 * @throws when there is no jar (see `s3Skip`) or the server does not start
 */
export async function startS3Server(jvmOptions: string[] = ['-XX:TieredStopAtLevel=1']): Promise<S3Server> {
  const jar = s3proxyJar();
  if (!jar) throw new Error(`cannot start s3proxy: ${s3Skip() || 'no jar'}`);
  const dir = await mkdtemp(join(tmpdir(), 'lablog-s3-'));
  const accessKeyId = `lablog${randomBytes(4).toString('hex')}`;
  const secretAccessKey = randomBytes(16).toString('hex');
  await mkdir(join(dir, 'data'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    await writeFile(
      join(dir, 's3proxy.conf'),
      [
        `s3proxy.endpoint=${endpoint}`,
        's3proxy.authorization=aws-v2-or-v4',
        `s3proxy.identity=${accessKeyId}`,
        `s3proxy.credential=${secretAccessKey}`,
        'jclouds.provider=filesystem',
        `jclouds.filesystem.basedir=${join(dir, 'data')}`,
      ].join('\n'),
      { mode: 0o600 },
    );
    const child = spawn('java', ['-Xmx512m', ...jvmOptions, '-jar', jar, '--properties', join(dir, 's3proxy.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
    child.stderr.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
    try {
      await started(child, () => out, 60_000);
    } catch (err) {
      child.kill('SIGKILL');
      running.delete(child);
      // another process took the port between the probe and the start: try another
      if (attempt < 3 && /address already in use/i.test(out)) continue;
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const env = { AWS_ENDPOINT_URL_S3: endpoint, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_REGION: 'us-east-1' };
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    let buckets = 0;
    let stopping: Promise<void> | undefined;
    return {
      endpoint,
      accessKeyId,
      secretAccessKey,
      env,
      client,
      async createBucket() {
        const name = `lablog-test-${process.pid}-${++buckets}`;
        await client.send(new CreateBucketCommand({ Bucket: name }));
        return name;
      },
      stop() {
        stopping ??= (async () => {
          client.destroy();
          child.kill('SIGTERM');
          await exited;
          running.delete(child);
          await rm(dir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  }
}
