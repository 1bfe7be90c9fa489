// Concentration report (issue 5 §2): per-client revenue and net profit summed in SQL, then the
// Pareto curve, top-20% share and ABC classes from the small per-client array (domain/analytics/pareto).
import { z } from 'zod';
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { ABC_THRESHOLDS, pareto, type ParetoResult } from '../../domain/analytics/pareto';
import { sqlDialect } from '../../db/sql-dialect';
import { Filters, PeriodFields, noNeeds, parseInput, resolvePeriod } from './filters';
import { ECON, NET_PROFIT, economicsSql } from './client-economics';

export const ParetoInput = z.object({
  ...PeriodFields,
  filters: Filters,
  /** Number of steps of the curve (20 → every 5% of clients). */
  points: z.coerce.number().int().min(2).max(1000).default(20),
  /** How many profit-destroying clients to list (worst first). */
  limit: z.coerce.number().int().min(0).max(100_000).default(20),
});
export type ParetoInputT = z.input<typeof ParetoInput>;

export interface ParetoReport extends Omit<ParetoResult, 'classOf' | 'destroyers'> {
  report: 'pareto';
  currency: string;
  period: { from: string | null; to: string | null };
  thresholds: typeof ABC_THRESHOLDS;
  destroyers: { accountId: string; name: string; revenue: number; netProfit: number; rank: number }[];
  destroyerCount: number;
  /** Accounts with costs in the period that had never bought by its end (sales effort on prospects). */
  prospects: { accounts: number; netProfit: number };
}

export async function paretoReport(db: Database, input: ParetoInputT = {}): Promise<ParetoReport> {
  const q = parseInput(ParetoInput, input, 'pareto');
  const d = sqlDialect(db.sql.dialect);
  const period = resolvePeriod(q.from, q.to);
  // Concentration is about customers: accounts that have bought by the end of the period.
  // Prospects that never bought only carry sales effort; they are reported apart, so they neither
  // dilute the curve nor fill the list of profit-destroying clients.
  const bought = (negate: boolean) => {
    const e = economicsSql(d, period, q.filters, noNeeds(), [
      `${negate ? 'NOT ' : ''}EXISTS (SELECT 1 FROM orders po WHERE po.account_id = acct.id${period.toExclusive ? ' AND po.ordered_at < ?' : ''})`,
    ]);
    return { ...e, params: period.toExclusive ? [...e.params, period.toExclusive] : e.params };
  };
  const e = bought(false);
  const rows = await db.sql.all<{ external_id: string; name: string; revenue: number; profit: number }>(
    `${e.with} SELECT acct.external_id, acct.name, ${ECON.revenue} AS revenue, ${NET_PROFIT} AS profit ${e.from}`,
    e.params,
  );
  const p = bought(true);
  const [prospectRow] = await db.sql.all<{ n: number; cost: number | null }>(
    `${p.with} SELECT COUNT(*) AS n, SUM(${NET_PROFIT}) AS cost ${p.from}`,
    p.params,
  );
  const r = pareto(
    rows.map((x) => ({ id: String(x.external_id), name: String(x.name), revenue: Number(x.revenue), profit: Number(x.profit) })),
    { points: q.points, destroyersLimit: q.limit },
  );
  const { classOf: _c, destroyers, ...rest } = r;
  return {
    report: 'pareto',
    currency: loadConfig().CURRENCY,
    period: { from: period.from?.toISOString() ?? null, to: period.toExclusive?.toISOString() ?? null },
    thresholds: ABC_THRESHOLDS,
    ...rest,
    destroyers: destroyers.map((x) => ({ accountId: x.id, name: x.name, revenue: x.revenue, netProfit: x.profit, rank: x.rank })),
    destroyerCount: r.classes.find((c) => c.class === 'D')!.clients,
    prospects: { accounts: Number(prospectRow?.n ?? 0), netProfit: Number(prospectRow?.cost ?? 0) },
  };
}
