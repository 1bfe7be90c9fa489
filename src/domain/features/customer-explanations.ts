// Turns a churn feature's contribution to the log-odds into a sentence an account manager
// understands, e.g. "Last order 143 days ago (customers who stayed: typically 21)". Typical values
// come from the customers who did not churn in training (ExplanationContext.retainedMedians).
// Correlated windows (orders, revenue, activity and service costs over 90 days, the 90 before, the
// trend and the total) are explained together as one factor each, and what an inline customer did
// not provide is never cited as evidence (factor-units.ts).
import { factorUnits, notProvidedNote, unitNotProvided, unitValue, type FactorUnit } from './factor-units';
import { isNotProvided, type FeatureRow, type FeatureValue } from './feature-row';

type RawValue = FeatureValue | undefined;

export interface CustomerFactor {
  /** A feature, or a group of features explained together (orders, revenue, activity, …). */
  feature: string;
  value: string | number | boolean | null;
  /** Contribution to the log-odds of churning (positive raises the risk). */
  effect: number;
  text: string;
}

export interface CustomerExplanationContext {
  retainedMedians: Record<string, number>;
}

const num = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 10) / 10));
const money = (v: number) => Math.round(v).toLocaleString('en-US');
const whole = (v: number) => Math.round(v).toLocaleString('en-US');

/**
 * A change in words, bounded so that a small base never reads as "up 34225%": up to twice as much
 * it is a percentage; from twice, "N times"; from ten times, "more than ten times".
 */
export function changeInWords(ratio: number): string {
  if (ratio >= 10) return 'more than ten times';
  if (ratio >= 2) return `${(Math.round(ratio * 10) / 10).toLocaleString('en-US')} times`;
  const pct = Math.round((ratio - 1) * 100);
  return pct === 0 ? 'about the same as' : pct > 0 ? `up ${pct}% on` : `down ${-pct}% on`;
}
/** A trend feature alone, log((recent + 1) / (previous + 1)): its ratio in words, against the 90 days before. */
const change = (t: number) => `${changeInWords(Math.exp(t))} the 90 days before`;
/**
 * Recent against previous with both figures (fmt gives their unit), e.g. "(none in the 90 days
 * before)", "(380 in the 90 days before: down 60%)", "(40 in the 90 days before: 8.6 times as much)".
 */
function against(recent: number, previous: number, fmt: (v: number) => string, much = 'much'): string {
  if (previous <= 0) return recent <= 0 ? ' (none in the 90 days before either)' : ' (none in the 90 days before)';
  if (recent <= 0) return ` (${fmt(previous)} in the 90 days before)`;
  const words = changeInWords(recent / previous);
  return ` (${fmt(previous)} in the 90 days before: ${/times$/.test(words) ? `${words} as ${much}` : words.replace(/ on$| as$/, '')})`;
}

const LABELS: Record<string, string> = {
  segment: 'Segment',
  industry: 'Industry',
  region: 'Region',
  country: 'Country',
  size: 'Company size',
  employees: 'Employees',
  annualRevenue: 'Annual revenue',
  acquisitionCost: 'Acquisition cost',
  ordersTotal: 'Orders so far',
  orders90d: 'Orders in the last 90 days',
  ordersPrev90d: 'Orders in the 90 days before',
  activities90d: 'Activities in the last 90 days',
  activitiesPrev90d: 'Activities in the 90 days before',
  openDeals: 'Open deals',
};

export function explainCustomerFactor(feature: string, value: RawValue, ctx: CustomerExplanationContext): string {
  const typical = ctx.retainedMedians[feature];
  const typ = (f: (v: number) => string = num) => (typical === undefined ? '' : ` (customers who stayed: typically ${f(typical)})`);
  const label = LABELS[feature] ?? feature.replace(/^attr\./, '');
  if (isNotProvided(value)) return `${label} not provided`;
  if (value === null || value === undefined || value === '') {
    if (feature === 'daysSinceLastOrder') return 'No order yet';
    if (feature === 'daysSinceLastActivity') return 'No activity logged';
    if (feature === 'tenureDays') return 'Customer since: unknown';
    return `${label} not recorded`;
  }
  if (typeof value !== 'number') return `${label}: ${value}`;
  switch (feature) {
    case 'daysSinceLastOrder':
      return `Last order ${num(value)} days ago${typ()}`;
    case 'daysSinceLastActivity':
      return `Last activity ${num(value)} days ago${typ()}`;
    case 'tenureDays':
      // Counted from the acquisition date (the drawer shows it next to the first recorded purchase).
      return `Customer for ${whole(value / 30.4375)} months since acquisition${typical === undefined ? '' : ` (customers who stayed: typically ${whole(typical / 30.4375)} months)`}`;
    case 'orderTrend':
      return `Orders in the last 90 days ${change(value)}`;
    case 'revenueTrend':
      return `Revenue in the last 90 days ${change(value)}`;
    case 'activityTrend':
      return `Activity in the last 90 days ${change(value)}`;
    case 'serviceCostTrend':
      return `Support and service costs in the last 90 days ${change(value)}`;
    case 'revenueTotal':
    case 'revenue90d':
    case 'revenuePrev90d':
    case 'avgOrderValue':
    case 'serviceCost90d':
    case 'serviceCostPrev90d':
    case 'openDealAmount':
    case 'annualRevenue':
    case 'acquisitionCost': {
      const names: Record<string, string> = {
        revenueTotal: 'Revenue so far',
        revenue90d: 'Revenue in the last 90 days',
        revenuePrev90d: 'Revenue in the 90 days before',
        avgOrderValue: 'Average order',
        serviceCost90d: 'Service costs in the last 90 days',
        serviceCostPrev90d: 'Service costs in the 90 days before',
        openDealAmount: 'Open deal amount',
        annualRevenue: 'Annual revenue',
        acquisitionCost: 'Acquisition cost',
      };
      return `${names[feature]} ${money(value)}${typ(money)}`;
    }
    default: {
      const unit = UNITS[feature];
      const withUnit = (v: number) => (unit ? `${num(v)} ${unit}` : num(v));
      return `${label}: ${withUnit(value)}${typical === undefined ? '' : ` (customers who stayed: typically ${withUnit(typical)})`}`;
    }
  }
}

/** The unit a single feature's value is counted in, so "typically 6.4" always says of what. */
const UNITS: Record<string, string> = {
  ordersTotal: 'orders',
  orders90d: 'orders',
  ordersPrev90d: 'orders',
  activities90d: 'activities',
  activitiesPrev90d: 'activities',
  openDeals: 'deals',
  employees: 'employees',
  daysSinceLastOrder: 'days',
  daysSinceLastActivity: 'days',
};

/** Features explained together: one fact each, one summed effect, one sentence. */
export const CUSTOMER_FACTOR_GROUPS: Record<string, readonly string[]> = {
  orders: ['daysSinceLastOrder', 'ordersTotal', 'orders90d', 'ordersPrev90d', 'orderTrend', 'avgOrderValue'],
  revenue: ['revenueTotal', 'revenue90d', 'revenuePrev90d', 'revenueTrend'],
  activity: ['activities90d', 'activitiesPrev90d', 'activityTrend', 'daysSinceLastActivity'],
  serviceCost: ['serviceCost90d', 'serviceCostPrev90d', 'serviceCostTrend'],
  openDeals: ['openDeals', 'openDealAmount'],
};

/** What a unit is read from, as the "not provided" note names it (the field the caller left out). */
const PROVIDED_BY: Record<string, string> = {
  orders: 'orders',
  revenue: 'orders',
  activity: 'activities',
  serviceCost: 'service costs',
  openDeals: 'open deals',
  tenureDays: 'customer since',
  segment: 'company profile',
  industry: 'company profile',
  region: 'company profile',
  country: 'company profile',
  size: 'company profile',
  employees: 'company profile',
  annualRevenue: 'company profile',
  acquisitionCost: 'company profile',
};
const providedBy = (u: FactorUnit) =>
  PROVIDED_BY[u.name] ?? (u.name.startsWith('attr.') ? 'custom attributes' : (LABELS[u.name] ?? u.name).toLowerCase());

/** The explanation units of the churn model's features (groups first, then single features). */
export function customerFactorUnits(features: readonly string[]): FactorUnit[] {
  return factorUnits(features, CUSTOMER_FACTOR_GROUPS);
}

type Row = FeatureRow | Record<string, unknown>;
const numberOf = (row: Row, f: string): number | null => {
  const v = row[f];
  return typeof v === 'number' ? v : null;
};
/**
 * The recent window against the one before, from the raw figures when the row has them (else
 * from the trend feature alone).
 */
const trendNote = (row: Row, recent: string, previous: string, trend: string, fmt: (v: number) => string, much = 'much') => {
  const r = numberOf(row, recent);
  const p = numberOf(row, previous);
  if (r !== null && p !== null) return against(r, p, fmt, much);
  const t = numberOf(row, trend);
  return t === null ? '' : ` (${change(t)})`;
};
const orders = (v: number) => `${whole(v)} order${Math.round(v) === 1 ? '' : 's'}`;
const activities = (v: number) => `${whole(v)}`;

function explainOrders(row: Row, ctx: CustomerExplanationContext): string {
  const last = numberOf(row, 'daysSinceLastOrder');
  const total = numberOf(row, 'ordersTotal');
  const o90 = numberOf(row, 'orders90d');
  if (total === 0 || (total === null && last === null)) return 'No order yet';
  const parts: string[] = [];
  if (last !== null) parts.push(`Last order ${whole(last)} days ago`);
  if (o90 !== null)
    parts.push(`${orders(o90)} in the last 90 days${trendNote(row, 'orders90d', 'ordersPrev90d', 'orderTrend', whole, 'many')}`);
  if (total !== null) parts.push(`${orders(total)} so far`);
  const typical = ctx.retainedMedians.daysSinceLastOrder;
  return `${parts.join('; ')}${typical === undefined ? '' : ` (customers who stayed: last order typically ${whole(typical)} days ago)`}`;
}

function explainRevenue(row: Row): string {
  const r90 = numberOf(row, 'revenue90d');
  const total = numberOf(row, 'revenueTotal');
  const parts: string[] = [];
  if (r90 !== null)
    parts.push(`Revenue in the last 90 days ${money(r90)}${trendNote(row, 'revenue90d', 'revenuePrev90d', 'revenueTrend', money)}`);
  if (total !== null) parts.push(`${money(total)} so far`);
  return parts.join('; ') || 'Revenue not recorded';
}

function explainActivity(row: Row): string {
  const a90 = numberOf(row, 'activities90d');
  const last = numberOf(row, 'daysSinceLastActivity');
  if (a90 === null && last === null) return 'No activity logged';
  const parts: string[] = [];
  if (a90 !== null)
    parts.push(
      `${whole(a90)} activities in the last 90 days${trendNote(row, 'activities90d', 'activitiesPrev90d', 'activityTrend', activities, 'many')}`,
    );
  parts.push(last === null ? 'none logged before' : `the last one ${whole(last)} days ago`);
  return parts.join('; ');
}

function explainServiceCost(row: Row): string {
  const c90 = numberOf(row, 'serviceCost90d');
  return c90 === null
    ? 'Service costs not recorded'
    : `Support and service costs in the last 90 days ${money(c90)}${trendNote(row, 'serviceCost90d', 'serviceCostPrev90d', 'serviceCostTrend', money)}`;
}

function explainOpenDeals(row: Row): string {
  const n = numberOf(row, 'openDeals');
  const amount = numberOf(row, 'openDealAmount');
  if (!n) return 'No open deal';
  return `${num(n)} open deal${n === 1 ? '' : 's'}${amount === null ? '' : ` worth ${money(amount)}`}`;
}

export function explainCustomerUnit(unit: FactorUnit, row: Row, ctx: CustomerExplanationContext): string {
  if (unit.features.length === 1) return explainCustomerFactor(unit.features[0], unitValue(unit, row), ctx);
  switch (unit.name) {
    case 'orders':
      return explainOrders(row, ctx);
    case 'revenue':
      return explainRevenue(row);
    case 'activity':
      return explainActivity(row);
    case 'serviceCost':
      return explainServiceCost(row);
    case 'openDeals':
      return explainOpenDeals(row);
    default:
      return unit.features.map((f) => explainCustomerFactor(f, unitValue({ name: f, features: [f] }, row), ctx)).join('; ');
  }
}

/**
 * The factors of one churn score: up to `perSide` units raising and lowering the risk, strongest
 * first; units the caller did not provide are not ranked and are named once, with no effect.
 */
export function customerFactors(
  units: readonly FactorUnit[],
  effects: ArrayLike<number>,
  row: Row,
  ctx: CustomerExplanationContext,
  perSide = 3,
): CustomerFactor[] {
  const missing: FactorUnit[] = [];
  const all: { i: number; effect: number }[] = [];
  units.forEach((u, i) => {
    if (unitNotProvided(u, row)) missing.push(u);
    else if (Number.isFinite(effects[i]) && Math.abs(effects[i]) > 1e-6) all.push({ i, effect: effects[i] });
  });
  const up = all
    .filter((f) => f.effect > 0)
    .sort((a, b) => b.effect - a.effect)
    .slice(0, perSide);
  const down = all
    .filter((f) => f.effect < 0)
    .sort((a, b) => a.effect - b.effect)
    .slice(0, perSide);
  const factors: CustomerFactor[] = [...up, ...down]
    .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect))
    .map((f) => ({
      feature: units[f.i].name,
      value: unitValue(units[f.i], row),
      effect: Math.round(f.effect * 1000) / 1000,
      text: explainCustomerUnit(units[f.i], row, ctx),
    }));
  const note = notProvidedNote(missing, providedBy, 'customer');
  if (note) factors.push({ feature: 'notProvided', value: null, effect: 0, text: note });
  return factors;
}
