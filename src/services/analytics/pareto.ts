// Concentration report (issue 5 §2): per-client revenue and net profit summed in SQL
// (src/db/repositories/analytics/pareto.ts), then the Pareto curve, top-20% share and ABC classes
// from the small per-client array (domain/analytics/pareto).
import { z } from 'zod';
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { customerMoney, prospectMoney } from '../../db/repositories/analytics/pareto';
import { ABC_THRESHOLDS, pareto, type ParetoResult } from '../../domain/analytics/pareto';
import { Filters, PeriodFields, parseInput, resolvePeriod } from './filters';

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
  const period = resolvePeriod(q.from, q.to);
  // Concentration is about customers: accounts that have bought by the end of the period.
  // Prospects that never bought only carry sales effort; they are reported apart, so they neither
  // dilute the curve nor fill the list of profit-destroying clients.
  const rows = await customerMoney(db.sql, { period, filters: q.filters });
  const prospects = await prospectMoney(db.sql, { period, filters: q.filters });
  const r = pareto(
    rows.map((x) => ({ id: x.externalId, name: x.name, revenue: x.revenue, profit: x.profit })),
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
    prospects,
  };
}
