// The one map from error code to HTTP status and the one error handler. Every failure leaves the
// API in the same body: { error: { code, message, details, requestId } }. Anything that is not an
// AppError is a bug: it is logged with its stack and answered as a bare 500 without internals.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, isAppError, type ErrorCode } from '../errors';
import { useApiHeaders } from './security-headers';

export const STATUS_OF: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  SCHEMA_MISMATCH: 422,
  ARTIFACT_INVALID: 422,
  RATE_LIMITED: 429,
  NOT_READY: 503,
  DATABASE_BUSY: 503,
  DATABASE_UNAVAILABLE: 503,
  SERVER_BUSY: 503,
  TIME_BUDGET_EXCEEDED: 503,
  CONFIG_INVALID: 500,
  MIGRATION_FAILED: 500,
  INTERNAL: 500,
};

/** Errors raised by Express' body parser carry a `type`; map the ones a caller can cause. */
function fromBodyParser(err: { type?: string; status?: number; message?: string; limit?: number }): AppError | null {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError('INVALID_INPUT', 'The request body is not valid JSON', [{ path: [], problem: err.message ?? 'malformed JSON' }]);
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than the limit of ${err.limit ?? '?'} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('INVALID_INPUT', err.message ?? 'unsupported body encoding');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('INVALID_INPUT', err.message ?? 'the request body could not be read');
    default:
      // Other 4xx from Express internals (e.g. a malformed URI) are still the caller's fault.
      if (typeof err.status === 'number' && err.status >= 400 && err.status < 500)
        return new AppError('INVALID_INPUT', err.message ?? 'bad request');
      return null;
  }
}

/**
 * Seconds after which a retry of a request that failed for a passing reason may succeed (HTTP
 * Retry-After), when the error did not say: a held lock is usually released within a second; a
 * database restart or a permissions fix takes longer.
 */
const RETRY_AFTER: Partial<Record<ErrorCode, number>> = {
  DATABASE_BUSY: 1,
  DATABASE_UNAVAILABLE: 5,
  SERVER_BUSY: 2,
  TIME_BUDGET_EXCEEDED: 5,
  NOT_READY: 5,
};

export function retryAfterOf(err: AppError): number | undefined {
  return err.retryAfterSeconds ?? RETRY_AFTER[err.code];
}

export function errorBody(err: AppError, requestId: string) {
  return { error: { code: err.code, message: err.message, details: err.details, requestId } };
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const requestId = String(res.locals.requestId ?? '');
  let appErr: AppError;
  if (isAppError(err)) appErr = err;
  else {
    appErr =
      (err && typeof err === 'object' && fromBodyParser(err)) ||
      new AppError('INTERNAL', 'Internal error; quote the request id when reporting it');
    if (appErr.code === 'INTERNAL') req.log?.error({ err }, 'unhandled error');
  }
  const status = STATUS_OF[appErr.code] ?? 500;
  // A 503 is the server protecting itself or waiting on its database, not a failure: the access
  // line records it, and the condition itself is logged where it starts (throttled), so a flood
  // of refused requests does not double the log volume.
  if (status >= 500 && status !== 503 && isAppError(err)) req.log?.error({ err }, 'request failed');
  if (res.headersSent) {
    res.end();
    return;
  }
  useApiHeaders(res);
  const retryAfter = retryAfterOf(appErr);
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
  res.status(status).json(errorBody(appErr, requestId));
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route ${req.method} ${req.path}`));
};
