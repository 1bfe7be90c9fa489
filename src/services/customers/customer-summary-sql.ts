// The repeat-buying summary (frequency, recency, T, repeat spend) of every customer, computed in SQL
// on either dialect: orders are collapsed to purchase days per account, then aggregated. The numbers
// are the same as domain/features/customer-summary.ts#summarizeOrders (tested against each other).
import type { Database } from '../../db/database';
import { fromSqlDate } from '../../db/sql';
import { dayAfter, summaryFromAggregates, type CustomerSummary, type TimeUnit } from '../../domain/features/customer-summary';

function dayExpr(db: Database, column: string): string {
  return db.dialect === 'sqlite'
    ? `CAST(julianday(substr(${column}, 1, 10)) - 2440587.5 AS INTEGER)`
    : `(CAST(${column} AS date) - DATE '1970-01-01')`;
}

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
  const day = dayExpr(db, 'ordered_at');
  const filter = options.accountIds?.length ? `AND account_id IN (${options.accountIds.map(() => '?').join(',')})` : '';
  const rows = await db.sql.all<Record<string, unknown>>(
    `WITH d AS (
       SELECT account_id, ${day} AS day, SUM(revenue) AS rev, SUM(cost_of_goods) AS cogs
       FROM orders WHERE ordered_at < ? ${filter}
       GROUP BY account_id, ${day}
     ), f AS (
       SELECT account_id, MIN(day) AS first_day, MAX(day) AS last_day, COUNT(*) AS days, SUM(rev) AS rev, SUM(cogs) AS cogs
       FROM d GROUP BY account_id
     )
     SELECT f.account_id, f.first_day, f.last_day, f.days, f.rev, f.cogs, d.rev AS first_rev
     FROM f JOIN d ON d.account_id = f.account_id AND d.day = f.first_day
     ORDER BY f.account_id`,
    [bound, ...(options.accountIds ?? [])],
  );
  return rows.map((r) => ({
    accountId: Number(r.account_id),
    ...summaryFromAggregates(
      {
        firstDay: Number(r.first_day),
        lastDay: Number(r.last_day),
        days: Number(r.days),
        revenue: Number(r.rev),
        firstDayRevenue: Number(r.first_rev),
        costOfGoods: Number(r.cogs),
      },
      options.calibrationEnd,
      options.timeUnit,
    ),
  }));
}

/** Distinct purchase days per account in [from, to): the holdout "actual repeat purchases". */
export async function loadPurchaseDays(db: Database, from: Date, to: Date): Promise<Map<number, number>> {
  const day = dayExpr(db, 'ordered_at');
  const rows = await db.sql.all<{ account_id: number; n: number }>(
    `SELECT account_id, COUNT(DISTINCT ${day}) AS n FROM orders WHERE ordered_at >= ? AND ordered_at < ? GROUP BY account_id`,
    [from, to],
  );
  return new Map(rows.map((r) => [Number(r.account_id), Number(r.n)]));
}

/** First and last order instants, or null without orders. */
export async function orderSpan(db: Database): Promise<{ first: Date; last: Date } | null> {
  const rows = await db.sql.all<{ a: unknown; b: unknown }>('SELECT MIN(ordered_at) AS a, MAX(ordered_at) AS b FROM orders');
  const first = fromSqlDate(rows[0]?.a);
  const last = fromSqlDate(rows[0]?.b);
  return first && last ? { first, last } : null;
}
