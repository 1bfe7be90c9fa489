// Loads every account with its order, activity, service-cost and deal history (as epoch-ms arrays
// sorted by time) for churn features, training and scoring. A handful of set-based queries, no
// per-account round trips.
import type { Database } from '../../db/database';
import { loadDeals } from '../../db/repositories/deals';
import { fromSqlDate } from '../../db/sql';
import type { RawValue } from '../../ml/feature-encoder';
import type { CustomerHistory } from '../../domain/features/customer-features';

const ms = (v: unknown): number | null => fromSqlDate(v)?.getTime() ?? null;

/** A history as loaded here: every event list is present (possibly empty). */
type LoadedHistory = CustomerHistory & Required<Pick<CustomerHistory, 'orders' | 'activities' | 'serviceCosts' | 'deals'>>;

function parseAttributes(v: unknown): Record<string, RawValue> | null {
  if (v === null || v === undefined || v === '') return null;
  const o = typeof v === 'string' ? JSON.parse(v) : v;
  return o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, RawValue>) : null;
}

export async function loadCustomerHistories(
  db: Database,
  options: { accountIds?: number[]; before?: Date } = {},
): Promise<CustomerHistory[]> {
  const ids = options.accountIds;
  const inList = (col: string) => (ids?.length ? ` AND ${col} IN (${ids.map(() => '?').join(',')})` : '');
  // A far-future bound that still compares correctly as ISO text on SQLite (no 6-digit years).
  const before = options.before ?? new Date('9999-12-31T00:00:00Z');
  const accounts = await db.sql.all<Record<string, unknown>>(
    `SELECT id, external_id, segment, industry, region, country, size, employees, annual_revenue, acquisition_cost, acquired_at, status, churned_at, attributes
     FROM account WHERE 1 = 1${inList('id')} ORDER BY id`,
    ids ?? [],
  );
  const byId = new Map<number, LoadedHistory>();
  const out: CustomerHistory[] = accounts.map((a) => {
    const h: LoadedHistory = {
      accountId: Number(a.id),
      externalId: String(a.external_id),
      segment: (a.segment as string | null) ?? null,
      industry: (a.industry as string | null) ?? null,
      region: (a.region as string | null) ?? null,
      country: (a.country as string | null) ?? null,
      size: (a.size as string | null) ?? null,
      employees: a.employees == null ? null : Number(a.employees),
      annualRevenue: a.annual_revenue == null ? null : Number(a.annual_revenue),
      acquisitionCost: a.acquisition_cost == null ? null : Number(a.acquisition_cost),
      acquiredAt: ms(a.acquired_at),
      status: (a.status as string | null) ?? null,
      churnedAt: ms(a.churned_at),
      attributes: parseAttributes(a.attributes),
      orders: [],
      activities: [],
      serviceCosts: [],
      deals: [],
    };
    byId.set(h.accountId, h);
    return h;
  });
  const params = [before, ...(ids ?? [])];
  for (const r of await db.sql.all<Record<string, unknown>>(
    `SELECT account_id, ordered_at, revenue FROM orders WHERE ordered_at < ?${inList('account_id')} ORDER BY account_id, ordered_at`,
    params,
  )) {
    byId.get(Number(r.account_id))?.orders.push({ at: ms(r.ordered_at)!, revenue: Number(r.revenue) });
  }
  for (const r of await db.sql.all<Record<string, unknown>>(
    `SELECT account_id, occurred_at FROM activity WHERE account_id IS NOT NULL AND occurred_at < ?${inList('account_id')} ORDER BY account_id, occurred_at`,
    params,
  )) {
    byId.get(Number(r.account_id))?.activities.push(ms(r.occurred_at)!);
  }
  for (const r of await db.sql.all<Record<string, unknown>>(
    `SELECT account_id, incurred_at, amount FROM service_cost WHERE incurred_at < ?${inList('account_id')} ORDER BY account_id, incurred_at`,
    params,
  )) {
    byId.get(Number(r.account_id))?.serviceCosts.push({ at: ms(r.incurred_at)!, amount: Number(r.amount) });
  }
  // The account's deals as deal timelines (the one deal loader), so open deal amounts are taken as of each moment.
  for (const d of await loadDeals(db.sql, { accountIds: ids, createdBefore: before, activities: false })) {
    if (d.account?.id !== undefined) byId.get(d.account.id)?.deals.push(d);
  }
  return out;
}
