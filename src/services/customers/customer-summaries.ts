// The repeat-buying summary (frequency, recency, T, repeat spend) of every customer: orders are
// aggregated per purchase day in SQL (src/db/repositories/customers.ts), then turned into the
// summary the models use. The numbers are the same as domain/features/customer-summary.ts#
// summarizeOrders (tested against each other).
import type { Database } from '../../db/database';
import { orderSpan as storedOrderSpan, purchaseAggregates, purchaseDaysBetween } from '../../db/repositories/customers';
import { dayAfter, summaryFromAggregates, type CustomerSummary, type TimeUnit } from '../../domain/features/customer-summary';

export interface AccountSummary extends CustomerSummary {
  accountId: number;
}

/**
 * Summaries of the accounts with at least one order on or before the calibration end day (the last
 * day of calibration, inclusive), optionally only orders strictly before the instant `before`, and
 * optionally only some accounts.
 */
export async function loadCustomerSummaries(
  db: Database,
  options: { calibrationEnd: Date; timeUnit: TimeUnit; accountIds?: number[]; before?: Date },
): Promise<AccountSummary[]> {
  const next = dayAfter(options.calibrationEnd);
  const bound = options.before && options.before < next ? options.before : next;
  const rows = await purchaseAggregates(db.sql, { before: bound, accountIds: options.accountIds });
  return rows.map(({ accountId, ...aggregates }) => ({
    accountId,
    ...summaryFromAggregates(aggregates, options.calibrationEnd, options.timeUnit),
  }));
}

/** Distinct purchase days per account in [from, to): the holdout "actual repeat purchases". */
export function loadPurchaseDays(db: Database, from: Date, to: Date): Promise<Map<number, number>> {
  return purchaseDaysBetween(db.sql, from, to);
}

/** First and last order instants, or null without orders. */
export function orderSpan(db: Database): Promise<{ first: Date; last: Date } | null> {
  return storedOrderSpan(db.sql);
}
