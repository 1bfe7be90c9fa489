// Turns a churn feature's contribution to the log-odds into a sentence an account manager
// understands, e.g. "Last order 143 days ago (customers who stayed: typically 21)". Typical values
// come from the customers who did not churn in training (ExplanationContext.retainedMedians).
import type { RawValue } from '../../ml/feature-encoder';

export interface CustomerFactor {
  feature: string;
  value: RawValue;
  /** Contribution to the log-odds of churning (positive raises the risk). */
  effect: number;
  text: string;
}

export interface CustomerExplanationContext {
  retainedMedians: Record<string, number>;
}

const num = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 10) / 10));
const money = (v: number) => Math.round(v).toLocaleString('en-US');
const change = (t: number) => {
  const pct = Math.round((Math.exp(t) - 1) * 100);
  return pct === 0 ? 'flat' : pct > 0 ? `up ${pct}%` : `down ${-pct}%`;
};

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
      return `Customer for ${num(value / 30.4375)} months${typical === undefined ? '' : ` (customers who stayed: typically ${num(typical / 30.4375)})`}`;
    case 'orderTrend':
      return `Orders in the last 90 days ${change(value)} on the 90 days before`;
    case 'revenueTrend':
      return `Revenue in the last 90 days ${change(value)} on the 90 days before`;
    case 'activityTrend':
      return `Activity in the last 90 days ${change(value)} on the 90 days before`;
    case 'serviceCostTrend':
      return `Support and service costs in the last 90 days ${change(value)} on the 90 days before`;
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
    default:
      return `${label}: ${num(value)}${typ()}`;
  }
}
