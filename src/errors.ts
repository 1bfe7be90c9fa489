// One closed set of error codes for the whole product. Services and domain code throw AppError;
// the HTTP layer maps codes to statuses in one table (src/http/error-handler.ts) and the CLI maps
// them to exit codes. Anything that is not an AppError is a bug and is reported without internals.

export const ERROR_CODES = [
  'INVALID_INPUT', // the caller sent something malformed; details name each bad field/row
  'UNAUTHENTICATED', // no or unknown credentials
  'FORBIDDEN', // valid credentials without the needed scope
  'NOT_FOUND',
  'CONFLICT', // e.g. a training job already running, duplicate name
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'UNPROCESSABLE', // input is valid but the data cannot support an answer (no trained model, too little history)
  'CONFIG_INVALID',
  'MIGRATION_FAILED',
  'SCHEMA_MISMATCH', // a model artifact whose feature schema does not match the code
  'ARTIFACT_INVALID', // a model version folder that is incomplete or corrupt (missing/truncated file, wrong checksum)
  'NOT_READY',
  'DATABASE_BUSY', // another writer holds the database longer than a request may wait (503, Retry-After)
  'DATABASE_UNAVAILABLE', // the database is unreachable or read-only (503, Retry-After)
  'SERVER_BUSY', // the worker pool for heavy requests is full (503, Retry-After)
  'TIME_BUDGET_EXCEEDED', // a heavy request ran past its time budget and was cancelled (503, Retry-After)
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetail {
  /** Where the problem is: a JSON path (["deals", 0, "amount"]) or a file position. */
  path?: (string | number)[];
  row?: number;
  column?: string;
  value?: unknown;
  problem: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  /** For errors that pass (busy, unavailable): when a retry may succeed, in seconds (HTTP Retry-After). */
  readonly retryAfterSeconds?: number;
  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = [], options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const invalidInput = (message: string, details: ErrorDetail[] = []) => new AppError('INVALID_INPUT', message, details);
export const notFound = (message: string) => new AppError('NOT_FOUND', message);
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const unprocessable = (message: string, details: ErrorDetail[] = []) => new AppError('UNPROCESSABLE', message, details);

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** A bad value as echoed in an error: long text cut (a 1 MB string is not sent back whole). */
export function shortValue(v: unknown): unknown {
  return typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}… (${v.length} characters)` : v;
}

/** A zod issue's message; a bad record key says what is wrong with the key, not just "Invalid key in record". */
export function issueMessage(i: { code?: string; message: string; issues?: ReadonlyArray<{ message: string }> }): string {
  if (i.code === 'invalid_key' && i.issues?.length) return `field name ${i.issues[0].message}`;
  return i.message;
}

/** Turns zod issues into details that name the path of each bad field (each unknown field by its own path). */
export function detailsFromZod(
  issues: ReadonlyArray<{
    path: PropertyKey[];
    message: string;
    input?: unknown;
    code?: string;
    keys?: string[];
    issues?: ReadonlyArray<{ message: string }>;
  }>,
): ErrorDetail[] {
  return issues.flatMap((i) => {
    const path = i.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (i.code === 'unrecognized_keys' && i.keys?.length)
      return i.keys.map((k) => ({ path: [...path, k], problem: `unknown field "${k}"` }));
    return [
      {
        path,
        problem: issueMessage(i),
        ...(i.input !== undefined && typeof i.input !== 'object' ? { value: shortValue(i.input) } : {}),
      },
    ];
  });
}
