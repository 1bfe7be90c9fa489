// The concentration report's queries: revenue and net profit per client over a period, for the
// clients that had bought by its end, and the same money summed over the accounts that had not
// (prospects, which carry only sales effort).
import type { SqlRunner } from '../../sql';
import { sqlDialect } from '../../sql-dialect';
import { ECON, NET_PROFIT, economicsSql } from './client-economics';
import { noNeeds, type Period } from './report-fields';

/** The economics of the accounts that had (or had not, `negate`) an order before the period's end. */
function economicsOfBuyers(q: SqlRunner, period: Period, filters: Record<string, unknown>, negate: boolean) {
  const e = economicsSql(sqlDialect(q.dialect), period, filters, noNeeds(), [
    `${negate ? 'NOT ' : ''}EXISTS (SELECT 1 FROM orders po WHERE po.account_id = acct.id${period.toExclusive ? ' AND po.ordered_at < ?' : ''})`,
  ]);
  return { ...e, params: period.toExclusive ? [...e.params, period.toExclusive] : e.params };
}

/** Revenue and net profit of every client that had bought by the end of the period. */
export async function customerMoney(
  q: SqlRunner,
  opts: { period: Period; filters: Record<string, unknown> },
): Promise<{ externalId: string; name: string; revenue: number; profit: number }[]> {
  const e = economicsOfBuyers(q, opts.period, opts.filters, false);
  const rows = await q.all<{ external_id: string; name: string; revenue: number; profit: number }>(
    `${e.with} SELECT acct.external_id, acct.name, ${ECON.revenue} AS revenue, ${NET_PROFIT} AS profit ${e.from}`,
    e.params,
  );
  return rows.map((x) => ({
    externalId: String(x.external_id),
    name: String(x.name),
    revenue: Number(x.revenue),
    profit: Number(x.profit),
  }));
}

/** How many accounts with money in the period had never bought by its end, and their net profit. */
export async function prospectMoney(
  q: SqlRunner,
  opts: { period: Period; filters: Record<string, unknown> },
): Promise<{ accounts: number; netProfit: number }> {
  const p = economicsOfBuyers(q, opts.period, opts.filters, true);
  const [row] = await q.all<{ n: number; cost: number | null }>(
    `${p.with} SELECT COUNT(*) AS n, SUM(${NET_PROFIT}) AS cost ${p.from}`,
    p.params,
  );
  return { accounts: Number(row?.n ?? 0), netProfit: Number(row?.cost ?? 0) };
}
