// Shared pieces of the HTTP contract: the one error body, pagination, dates and money.
// Contracts import only zod: they are the single source of request/response types and of the
// OpenAPI document (src/http/openapi.ts), so nothing here may depend on services or Express.
import { z } from 'zod';
import { EARLIEST_DATE, isoDateProblem, LATEST_DATE, safeString } from './input-rules';

export const SCOPES = ['scores:read', 'data:write', 'admin'] as const;
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

export const ErrorCode = z.enum([
  'INVALID_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'UNPROCESSABLE',
  'CONFIG_INVALID',
  'MIGRATION_FAILED',
  'SCHEMA_MISMATCH',
  'ARTIFACT_INVALID',
  'NOT_READY',
  'DATABASE_BUSY',
  'DATABASE_UNAVAILABLE',
  'SERVER_BUSY',
  'TIME_BUDGET_EXCEEDED',
  'INTERNAL',
]);

export const ErrorDetail = z
  .object({
    path: z
      .array(z.union([z.string(), z.number()]))
      .optional()
      .describe('JSON path of the bad field, e.g. ["deals", 0, "amount"]'),
    row: z.number().int().optional(),
    column: z.string().optional(),
    value: z.unknown().optional(),
    problem: z.string(),
  })
  .meta({ id: 'ErrorDetail' });

export const ErrorBody = z
  .object({
    error: z.object({
      code: ErrorCode,
      message: z.string(),
      details: z.array(ErrorDetail),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error', description: 'The one error body of every endpoint.' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Accepted on input: a calendar date (2025-03-31) or a date-time with offset, in the accepted range. */
export const IsoDateInput = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .superRefine((s, ctx) => {
    const problem = isoDateProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s });
  })
  .describe(`ISO 8601 date or date-time, from ${EARLIEST_DATE} to ${LATEST_DATE}`);
/** Always emitted as UTC date-time strings. */
export const IsoDateTime = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time (UTC)');

export const Money = z
  .object({
    amount: z.number(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .describe('ISO 4217 code'),
  })
  .meta({ id: 'Money' });

/** Query-string integers arrive as text. */
const queryInt = (min: number, max: number, dflt: number) => z.coerce.number().int().min(min).max(max).default(dflt);

export const PageQuery = z.strictObject({
  limit: queryInt(1, 500, 50).describe('page size (1-500)'),
  offset: queryInt(0, 10_000_000, 0).describe('rows to skip'),
});

export const Page = z
  .object({
    limit: z.number().int(),
    offset: z.number().int(),
    total: z.number().int(),
    nextOffset: z.number().int().nullable().describe('offset of the next page, null on the last page'),
  })
  .meta({ id: 'Page' });

export const paged = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), page: Page });

/** `sort=-winProbability` sorts descending; the allowed fields are listed per endpoint. */
export const sortParam = <const F extends readonly [string, ...string[]]>(fields: F, dflt: string) =>
  safeString()
    .regex(new RegExp(`^-?(${fields.join('|')})$`), `must be one of ${fields.join(', ')}, optionally prefixed with - for descending`)
    .default(dflt)
    .describe(`sort field (${fields.join(', ')}); prefix with - for descending`);

/** Text a client sends: the text rule, trimmed, 1..max characters. */
export const text = (max = 200) => safeString().trim().min(1).max(max);

export const IdParam = z.object({ id: safeString().min(1).max(200).describe('external id (the CRM id)') });

/**
 * A database row id or version number sent by a client: a positive integer that fits the 32-bit
 * integer columns (a larger one was a 500 on PostgreSQL, "out of range for type integer").
 */
export const MAX_ROW_ID = 2_147_483_647;
export const rowId = () => z.number().int().positive().max(MAX_ROW_ID);
export const queryRowId = () => z.coerce.number().int().positive().max(MAX_ROW_ID);

/** A comma-separated list in a query string (`?ids=a,b`). */
export const csvList = (max: number) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(safeString().min(1).max(200)).max(max));

/** Loose object for payloads whose inner shape belongs to another issue's service. */
export const Json = z.record(z.string(), z.unknown());

export { safeString } from './input-rules';
