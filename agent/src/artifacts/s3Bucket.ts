/**
 * The S3 client of an artifact bucket, made the usual AWS way (the SDK's own credential chain),
 * and checked once with HeadBucket before the agent serves anything.
 */
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Bucket } from './S3ArtifactRepository.js';
import { s3Failure } from './s3Errors.js';
import { s3Uri, type S3Endpoint, type S3Location } from './s3Location.js';

// A server that does not answer is reported in seconds, not after the OS's TCP timeout; an
// idle transfer (a client that stopped reading a download) is given up after a minute.
const CONNECT_TIMEOUT_MS = 5_000;
const IDLE_TIMEOUT_MS = 60_000;
// Uploads of several parts at once from several clients share these connections.
const MAX_SOCKETS = 64;

/**
 * Makes the client and checks that the bucket exists and takes the credentials.
 * @throws MlflowError: 404 no such bucket, 403 credentials refused, 503 endpoint unreachable
 */
export async function openS3Bucket(location: S3Location, endpoint: S3Endpoint): Promise<S3Bucket> {
  const client = new S3Client({
    region: endpoint.region,
    ...(endpoint.endpoint ? { endpoint: endpoint.endpoint } : {}),
    forcePathStyle: endpoint.forcePathStyle,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: IDLE_TIMEOUT_MS, httpAgent: { maxSockets: MAX_SOCKETS }, httpsAgent: { maxSockets: MAX_SOCKETS } },
    // S3-compatible servers do not all know the CRC checksums the SDK adds by default to every
    // upload; against one, checksums are sent only where S3 requires them
    ...(endpoint.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
  });
  try {
    await client.send(new HeadBucketCommand({ Bucket: location.bucket }));
  } catch (err) {
    client.destroy();
    throw s3Failure(err, s3Uri(location), endpoint.endpoint);
  }
  return { client, bucket: location.bucket, endpoint: endpoint.endpoint };
}
