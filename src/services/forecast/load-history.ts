// Loads what forecasts need from the database as plain objects: every deal with its group keys
// and stage-change history, and monthly driver series. Raw SQL (one pass per table) keeps this
// fast for tens of thousands of deals; times become epoch milliseconds for the pure domain code.
import type { Database } from '../../db/database';
import { fromSqlDate } from '../../db/sql';
import type { DealRecord, StageEvent } from '../../domain/forecast/deal-history';
import { monthIndex } from '../../domain/forecast/period';
import { DAY_MS } from '../../math/time';

const ms = (v: unknown): number | null => {
  const d = fromSqlDate(v);
  return d ? d.getTime() : null;
};

interface OppRow {
  id: number | bigint;
  external_id: string;
  amount: number;
  stage: string;
  outcome: string;
  created_at: unknown;
  expected_close_at: unknown;
  closed_at: unknown;
  forecast_category: string | null;
  rep: string | null;
  team: string | null;
  rep_region: string | null;
  account_region: string | null;
  product: string | null;
  segment: string | null;
}

export async function loadDealHistory(db: Database, opts: { opportunityIds?: number[] } = {}): Promise<DealRecord[]> {
  const rows = await db.sql.all<OppRow>(
    `SELECT o.id, o.external_id, o.amount, o.stage, o.outcome, o.created_at, o.expected_close_at, o.closed_at, o.forecast_category,
            r.name AS rep, r.team AS team, r.region AS rep_region, a.region AS account_region, p.name AS product, a.segment AS segment
       FROM opportunity o
       LEFT JOIN rep r ON r.id = o.rep_id
       LEFT JOIN account a ON a.id = o.account_id
       LEFT JOIN product p ON p.id = o.product_id
      ORDER BY o.id`,
  );
  const events = await db.sql.all<{
    opportunity_id: number | bigint;
    from_stage: string | null;
    to_stage: string;
    amount: number | null;
    expected_close_at: unknown;
    changed_at: unknown;
  }>(
    `SELECT opportunity_id, from_stage, to_stage, amount, expected_close_at, changed_at FROM stage_change ORDER BY opportunity_id, changed_at, id`,
  );
  const byOpp = new Map<number, StageEvent[]>();
  for (const e of events) {
    const id = Number(e.opportunity_id);
    let list = byOpp.get(id);
    if (!list) byOpp.set(id, (list = []));
    list.push({
      at: ms(e.changed_at)!,
      fromStage: e.from_stage,
      toStage: e.to_stage,
      amount: e.amount === null ? null : Number(e.amount),
      expectedCloseAt: ms(e.expected_close_at),
    });
  }
  const wanted = opts.opportunityIds ? new Set(opts.opportunityIds) : null;
  const out: DealRecord[] = [];
  for (const r of rows) {
    const id = Number(r.id);
    if (wanted && !wanted.has(id)) continue;
    const outcome = r.outcome === 'won' || r.outcome === 'lost' ? r.outcome : 'open';
    out.push({
      id,
      externalId: r.external_id,
      amount: Number(r.amount),
      stage: r.stage,
      outcome,
      createdAt: ms(r.created_at)!,
      expectedCloseAt: ms(r.expected_close_at),
      closedAt: ms(r.closed_at),
      forecastCategory: r.forecast_category,
      groups: {
        rep: r.rep ?? '(none)',
        team: r.team ?? '(none)',
        region: r.rep_region ?? r.account_region ?? '(none)',
        product: r.product ?? '(none)',
        segment: r.segment ?? '(none)',
        category: r.forecast_category ?? '(none)',
      },
      events: byOpp.get(id) ?? [],
    });
  }
  return out;
}

/** Monthly totals keyed by month index (year·12 + month). */
export type MonthlySeries = Map<number, number>;

export interface MonthlyDrivers {
  revenue: MonthlySeries;
  activities: MonthlySeries;
  campaignSpend: MonthlySeries;
}

function monthExpr(db: Database, column: string): string {
  return db.dialect === 'sqlite' ? `substr(${column}, 1, 7)` : `to_char(${column}, 'YYYY-MM')`;
}

function monthKeyToIndex(key: string): number {
  const [y, m] = key.split('-').map(Number);
  return y * 12 + (m - 1);
}

export async function loadMonthlyDrivers(db: Database): Promise<MonthlyDrivers> {
  const revenue: MonthlySeries = new Map();
  for (const r of await db.sql.all<{ m: string; v: number }>(
    `SELECT ${monthExpr(db, 'ordered_at')} AS m, SUM(revenue) AS v FROM orders GROUP BY 1`,
  )) {
    if (r.m) revenue.set(monthKeyToIndex(r.m), Number(r.v));
  }
  const activities: MonthlySeries = new Map();
  for (const r of await db.sql.all<{ m: string; v: number }>(
    `SELECT ${monthExpr(db, 'occurred_at')} AS m, COUNT(*) AS v FROM activity GROUP BY 1`,
  )) {
    if (r.m) activities.set(monthKeyToIndex(r.m), Number(r.v));
  }
  // A campaign's cost is spread evenly over its days (start to end, or its start month alone).
  const campaignSpend: MonthlySeries = new Map();
  for (const c of await db.sql.all<{ cost: number; started_at: unknown; ended_at: unknown }>(
    `SELECT cost, started_at, ended_at FROM campaign WHERE cost > 0`,
  )) {
    const s = ms(c.started_at);
    if (s === null) continue;
    const e = Math.max(s, ms(c.ended_at) ?? s);
    const days = Math.max(1, Math.round((e - s) / DAY_MS) + 1);
    for (let k = 0; k < days; k++) {
      const mi = monthIndex(s + k * DAY_MS);
      campaignSpend.set(mi, (campaignSpend.get(mi) ?? 0) + Number(c.cost) / days);
    }
  }
  return { revenue, activities, campaignSpend };
}
