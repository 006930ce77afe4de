/**
 * One error type for the whole platform. Every failure a client can cause carries a stable
 * string code; the HTTP layer maps the code to a status with {@link httpStatusFor}.
 */

/** MLflow's error codes (the subset we emit) plus a few of our own. */
export const ERROR_CODES = [
  "INVALID_PARAMETER_VALUE",
  "BAD_REQUEST",
  "RESOURCE_ALREADY_EXISTS",
  "RESOURCE_DOES_NOT_EXIST",
  "ENDPOINT_NOT_FOUND",
  "NOT_FOUND",
  "PERMISSION_DENIED",
  "UNAUTHENTICATED",
  "RESOURCE_CONFLICT",
  "REQUEST_LIMIT_EXCEEDED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "INVALID_STATE",
  "INTERNAL_ERROR",
  "NOT_IMPLEMENTED",
  "TEMPORARILY_UNAVAILABLE",
  "BAD_GATEWAY",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const STATUS: Record<ErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  // MLflow answers 400 (not 409) here, and clients depend on it.
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  NOT_FOUND: 404,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  RESOURCE_CONFLICT: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  // MLflow maps INVALID_STATE to 500; we keep client-caused state errors at 400 so clients
  // do not retry them for minutes.
  INVALID_STATE: 400,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  // An upstream the platform calls (a remote model endpoint) answered with an error or nonsense.
  BAD_GATEWAY: 502,
};

/** The HTTP status for an error code. */
export function httpStatusFor(code: ErrorCode): number {
  return STATUS[code];
}

/** The platform's error: a stable code, a message that names the offending field. */
export class MwError extends Error {
  override readonly name = "MwError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The HTTP status this error maps to. */
  get status(): number {
    return httpStatusFor(this.code);
  }
}

/** Shorthand for the most common client error. */
export function invalidParam(message: string): MwError {
  return new MwError("INVALID_PARAMETER_VALUE", message);
}

/** Shorthand for a lookup that found nothing. */
export function notFound(message: string): MwError {
  return new MwError("RESOURCE_DOES_NOT_EXIST", message);
}

/** True when a value is an {@link MwError}. */
export function isMwError(e: unknown): e is MwError {
  return e instanceof MwError;
}
