/**
 * The agent's artifact repository, chosen by URI as MLflow chooses one by scheme: none means the
 * store folder (the default), `s3://bucket/prefix` an S3-compatible bucket. A bucket is checked
 * before the agent starts, so a missing bucket, refused credentials or an unreachable endpoint
 * stop `lablog serve` with a clear message instead of failing the first upload.
 */
import { invalidParameter } from '../errors.js';
import { ArtifactFolder } from './ArtifactFolder.js';
import type { ArtifactRepository } from './ArtifactRepository.js';
import { isS3Uri, parseS3Uri, s3EndpointFromEnv } from './s3Location.js';

/** An open artifact repository; `close` releases its connections. */
export interface OpenedArtifacts {
  repository: ArtifactRepository;
  close(): Promise<void>;
}

/**
 * Opens the repository at `uri`.
 * @param uri `s3://bucket/prefix`, or undefined for the store folder
 * @param storeDir the store folder (the file repository's root)
 * @param env where the S3 endpoint, region and credentials are read (default: process.env)
 * @throws 400 INVALID_PARAMETER_VALUE for another URI; for a bucket, 404 when it does not exist,
 *   403 when the credentials are refused, 503 when the endpoint cannot be reached
 */
export async function openArtifactRepository(uri: string | undefined, storeDir: string, env: NodeJS.ProcessEnv = process.env): Promise<OpenedArtifacts> {
  if (uri === undefined || uri === '') return { repository: new ArtifactFolder(storeDir, storeDir), close: async () => undefined };
  if (!isS3Uri(uri)) {
    throw invalidParameter(`Unsupported artifact location '${uri}': give s3://bucket/prefix, or nothing to keep artifacts in the store folder.`);
  }
  const location = parseS3Uri(uri);
  // the SDK is loaded only for a bucket: a laptop's agent never pays its start-up time
  const { openS3Bucket } = await import('./s3Bucket.js');
  const bucket = await openS3Bucket(location, s3EndpointFromEnv(env));
  const { S3ArtifactRepository } = await import('./S3ArtifactRepository.js');
  const repository = new S3ArtifactRepository(bucket, location.prefix);
  return {
    repository,
    close: async () => bucket.client.destroy(),
  };
}
