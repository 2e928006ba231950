/**
 * What the bucket's refusals mean to an MLflow client. The AWS SDK throws errors named after
 * S3's codes (`NoSuchBucket`, `InvalidAccessKeyId`, …) with the HTTP status in `$metadata`; a
 * HEAD request has no body, so only its status tells. These become MlflowErrors naming the
 * bucket and what to check, never the credentials themselves.
 */
import { MlflowError } from '../errors.js';

/** The parts of an AWS SDK (or network) error read here. */
interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'ExpiredToken', 'InvalidToken', 'Forbidden']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'TimeoutError']);

/** The S3 error code of `err` (`NoSuchKey`, `NotFound`, …), or undefined for another error. */
export function s3Code(err: unknown): string | undefined {
  const e = err as SdkError;
  return e?.$metadata?.httpStatusCode !== undefined ? e.name : undefined;
}

/** The HTTP status S3 answered with, or undefined when it did not answer. */
function s3Status(err: unknown): number | undefined {
  return (err as SdkError)?.$metadata?.httpStatusCode;
}

/**
 * An MlflowError for an error of the S3 client (an MlflowError passes through unchanged).
 * @param where the repository, `s3://bucket/prefix`, for the message
 * @param endpoint the server's URL, when not AWS itself
 */
export function s3Failure(err: unknown, where: string, endpoint: string | undefined): Error {
  if (err instanceof MlflowError) return err;
  const e = err as SdkError;
  const status = s3Status(err);
  const at = endpoint ? ` at ${endpoint}` : '';
  const bucket = /^s3:\/\/([^/]+)/.exec(where)?.[1] ?? where;
  if (e?.name === 'NoSuchBucket' || (status === 404 && e?.name === 'NotFound')) {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', `The artifact bucket '${bucket}' does not exist${at}: create it, or give another with --artifacts s3://bucket/prefix.`);
  }
  if (e?.name === 'CredentialsProviderError') {
    return new MlflowError(
      'PERMISSION_DENIED',
      `The agent found no AWS credentials for the artifact bucket '${bucket}': set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) where it starts.`,
    );
  }
  if (CREDENTIALS.has(e?.name ?? '') || status === 403) {
    return new MlflowError(
      'PERMISSION_DENIED',
      `The artifact bucket '${bucket}'${at} refused the agent's credentials (${e?.name ?? status}): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the AWS profile) the agent was started with.`,
    );
  }
  if (UNREACHABLE.has(e?.code ?? '') || UNREACHABLE.has(e?.name ?? '')) {
    return new MlflowError('TEMPORARILY_UNAVAILABLE', `The artifact store ${where}${at} cannot be reached (${e?.code ?? e?.name}).`);
  }
  const what = status !== undefined ? `${e?.name ?? 'error'} (HTTP ${status})` : (e?.message ?? String(err));
  return new MlflowError('INTERNAL_ERROR', `The artifact store ${where}${at} failed: ${what}.`);
}
