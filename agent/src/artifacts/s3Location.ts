/**
 * Where an S3 artifact repository is: `s3://bucket/prefix` from the command line, and how to
 * reach it the usual AWS way, from the environment: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (an
 * S3-compatible server: MinIO, Ceph, s3proxy, …), AWS_REGION (or AWS_DEFAULT_REGION), and
 * credentials as the AWS SDK finds them (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an
 * instance role). Secrets are never read here, so none can end up in a message.
 */
import { invalidParameter } from '../errors.js';

/** A bucket and a key prefix inside it. */
export interface S3Location {
  bucket: string;
  /** `''` for the whole bucket, else the prefix with one trailing slash (`team/lablog/`). */
  prefix: string;
}

/** How the S3 client reaches the bucket. */
export interface S3Endpoint {
  /** An S3-compatible server's URL; absent for AWS itself. */
  endpoint?: string;
  region: string;
  /** Path-style addressing (`http://host/bucket/key`): what S3-compatible servers expect. */
  forcePathStyle: boolean;
}

// AWS's bucket naming rules, which S3-compatible servers follow
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Tells whether `uri` names an S3 bucket. */
export function isS3Uri(uri: string): boolean {
  return uri.startsWith('s3://');
}

/**
 * Reads `s3://bucket[/prefix]`.
 * @throws 400 INVALID_PARAMETER_VALUE for anything else, an invalid bucket name, or a prefix with `..` or empty segments
 */
export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([^/?#]*)\/?([^?#]*)$/.exec(uri);
  if (!m) throw invalidParameter(`Invalid artifact location '${uri}': expected s3://bucket/prefix.`);
  const [, bucket = '', rawPrefix = ''] = m;
  if (!BUCKET.test(bucket)) {
    throw invalidParameter(`Invalid artifact location '${uri}': '${bucket}' is not a bucket name (3 to 63 lowercase letters, digits, dots and hyphens).`);
  }
  const segments = rawPrefix.replace(/\/+$/, '').split('/').filter((s, i, all) => !(all.length === 1 && s === ''));
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw invalidParameter(`Invalid artifact location '${uri}': the prefix may not have empty, '.' or '..' parts.`);
  }
  return { bucket, prefix: segments.length > 0 ? `${segments.join('/')}/` : '' };
}

/**
 * The endpoint, region and addressing from the environment. Path-style addressing whenever an
 * endpoint is set: an S3-compatible server rarely has a DNS name per bucket.
 */
export function s3EndpointFromEnv(env: NodeJS.ProcessEnv = process.env): S3Endpoint {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  // a region is required by the SDK; an S3-compatible server usually ignores it
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  return { ...(endpoint ? { endpoint } : {}), region, forcePathStyle: endpoint !== undefined };
}

/** `s3://bucket/prefix` as written back in messages. */
export function s3Uri({ bucket, prefix }: S3Location): string {
  return `s3://${bucket}/${prefix}`;
}
