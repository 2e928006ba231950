/**
 * The artifact engines a suite runs against, each started for real: the store folder, and an
 * S3 bucket on the s3proxy server of this test file (one server per file, started on first use;
 * a bucket per call). Tests that look at what is stored ask the engine (`storedPaths`,
 * `uploadsInProgress`), so one test reads the same on disk and in a bucket.
 */
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after } from 'node:test';
import { s3Skip, startS3Server, type S3Server } from './s3Server.js';

/** One engine, as a test sees it. */
export interface ArtifactBackend {
  /** `files` or `s3`, for test names. */
  name: 'files' | 's3';
  /** Why this engine's run is skipped here, or false. */
  skip: string | false;
  /**
   * Gets the engine ready (for S3: the server, a fresh bucket, and the AWS variables set in
   * this process, so an agent started in it finds them).
   * @returns the agent's `artifacts` option and the environment a child agent process needs
   */
  prepare(): Promise<{ artifacts: string | undefined; env: Record<string, string> }>;
  /**
   * Every stored file under `area` (e.g. `runs/<id>/artifacts`), relative to it, sorted.
   * @param storeDir the agent's store folder
   */
  storedPaths(storeDir: string, area: string): Promise<string[]>;
  /** How many uploads are under way, unfinished (temporary files, or open multipart uploads). */
  uploadsInProgress(storeDir: string): Promise<number>;
}

let server: Promise<S3Server> | undefined;

/** The s3proxy server of this test file, started on first use (stopped after the file's tests, see `artifactBackends`). */
export function s3ServerOfThisFile(): Promise<S3Server> {
  server ??= startS3Server();
  return server;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

const files: ArtifactBackend = {
  name: 'files',
  skip: false,
  prepare: async () => ({ artifacts: undefined, env: {} }),
  storedPaths: (storeDir, area) => filesUnder(join(storeDir, area)),
  uploadsInProgress: async (storeDir) => (await readdir(join(storeDir, 'tmp', 'uploads')).catch(() => [])).length,
};

function s3(): ArtifactBackend {
  let bucket = '';
  const prefix = 'team/lablog';
  return {
    name: 's3',
    skip: s3Skip(),
    async prepare() {
      const s = await s3ServerOfThisFile();
      bucket = await s.createBucket();
      Object.assign(process.env, s.env);
      return { artifacts: `s3://${bucket}/${prefix}`, env: s.env };
    },
    async storedPaths(_storeDir, area) {
      const { client } = await s3ServerOfThisFile();
      const under = `${prefix}/${area}/`;
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: under, ...(token ? { ContinuationToken: token } : {}) }));
        keys.push(...(page.Contents ?? []).map((o) => (o.Key as string).slice(under.length)));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async uploadsInProgress() {
      const { client } = await s3ServerOfThisFile();
      const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      return out.Uploads?.length ?? 0;
    },
  };
}

/**
 * The engines every artifact suite runs against: the store folder and an S3 bucket. Call it at
 * the top level of a test file: it registers the stop of the file's S3 server after all its tests.
 */
export function artifactBackends(): ArtifactBackend[] {
  after(async () => (await server)?.stop());
  return [files, s3()];
}
