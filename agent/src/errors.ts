/**
 * The one catalogue of errors the agent reports. Code anywhere throws an `MlflowError`
 * where it finds the problem; `http/errorHandler.ts` turns it into a response.
 */

/** MLflow error codes the agent uses, with the HTTP status MLflow maps each one to. */
export const ERROR_STATUS = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_CONFLICT: 409,
  INVALID_STATE: 500,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  /** A per-client cap (connections, subscriptions) is reached; the MLflow client retries a 429. */
  RESOURCE_EXHAUSTED: 429,
  /** The agent cannot take the request now (out of file descriptors); the MLflow client retries a 503. */
  TEMPORARILY_UNAVAILABLE: 503,
} as const;

/** An MLflow error code name. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** An error with an MLflow error code; its HTTP status follows from the code. */
export class MlflowError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'MlflowError';
    this.code = code;
  }
  /** HTTP status for this error's code. */
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** 400 INVALID_PARAMETER_VALUE: the client sent something the agent cannot accept. */
export function invalidParameter(message: string): MlflowError {
  return new MlflowError('INVALID_PARAMETER_VALUE', message);
}

/** 404 RESOURCE_DOES_NOT_EXIST. */
export function notFound(message: string): MlflowError {
  return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
}

/** 400 RESOURCE_ALREADY_EXISTS. */
export function alreadyExists(message: string): MlflowError {
  return new MlflowError('RESOURCE_ALREADY_EXISTS', message);
}

/** 400 "Missing value for required parameter" in MLflow's words. */
export function missingParameter(name: string): MlflowError {
  return invalidParameter(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
}
