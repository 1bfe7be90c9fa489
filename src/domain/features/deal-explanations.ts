// Turns a feature's contribution to the log-odds into a sentence a sales rep understands, e.g.
// "41 days in Negotiation; deals that close usually move on within 12". The comparison figures
// ("usually within 12") come from the won deals the model was trained on (ExplanationContext).
import type { RawRow, RawValue } from '../../ml/feature-encoder';

export interface ExplanationContext {
  /** Per stage: 75th percentile of days won deals spent in it, and the stage's historical win rate. */
  stages: Record<string, { wonDaysP75: number | null; winRate: number | null }>;
  /** Median of each numeric feature over won training snapshots. */
  wonMedians: Record<string, number>;
}

export interface Factor {
  feature: string;
  value: RawValue;
  /** Contribution to the log-odds of winning (positive raises the odds). */
  effect: number;
  text: string;
}

const pct = (v: number) => `${Math.round(v * 100)}%`;
/** An integer with en-US thousands separators (what toLocaleString('en-US') prints, without Intl's cost per call). */
export function groupThousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}
const num = (v: number) => (Math.abs(v) >= 100 ? groupThousands(Math.round(v)) : String(Math.round(v * 10) / 10));
const money = (v: number) => groupThousands(Math.round(v));
const typicalNote = (typical: number) => ` (won deals: typically ${num(typical)})`;
const plural = (n: number, one: string, many = `${one}s`) => `${num(n)} ${Math.round(n) === 1 ? one : many}`;

const LABELS: Record<string, string> = {
  segment: 'Segment',
  industry: 'Industry',
  region: 'Region',
  size: 'Company size',
  product: 'Product',
  productFamily: 'Product family',
  source: 'Lead source',
  campaignChannel: 'Campaign channel',
  rep: 'Owner',
  team: 'Team',
  employees: 'Employees',
  annualRevenue: 'Account annual revenue',
  stagesVisited: 'Stages visited',
  stageChanges: 'Stage changes',
  activities7d: 'Activities in the last 7 days',
  activities90d: 'Activities in the last 90 days',
  activitiesTotal: 'Activities so far',
  productWinRate: 'Product win rate',
  sourceWinRate: 'Lead source win rate',
  repClosedDeals: "Owner's closed deals",
};

export function explainFactor(feature: string, value: RawValue, row: RawRow, ctx: ExplanationContext): string {
  const stage = row.stage == null ? 'its current stage' : String(row.stage);
  const typical = ctx.wonMedians[feature];
  const typ = typical === undefined ? '' : typicalNote(typical);
  const v = typeof value === 'number' ? value : null;
  if (value === null || value === undefined) {
    if (feature === 'stage') return 'Stage at this point unknown (no stage history)';
    if (feature === 'daysSinceLastActivity') return 'No activity logged on this deal';
    if (feature === 'daysToExpectedClose' || feature === 'expectedCloseOverdue') return 'No expected close date';
    return `${LABELS[feature] ?? feature.replace(/^attr\./, '')} not recorded`;
  }
  switch (feature) {
    case 'stage': {
      const r = ctx.stages[String(value)]?.winRate;
      return r == null ? `In ${value}` : `In ${value}: ${pct(r)} of deals at this stage have been won`;
    }
    case 'daysInStage': {
      const p75 = ctx.stages[stage]?.wonDaysP75;
      return p75 == null
        ? `${plural(v!, 'day')} in ${stage}`
        : `${plural(v!, 'day')} in ${stage}; deals that close usually move on within ${num(p75)}`;
    }
    case 'daysSinceCreated':
      return `Open for ${plural(v!, 'day')}${typ}`;
    case 'amount':
      return `Amount ${money(v!)}${typical === undefined ? '' : ` (won deals: typically ${money(typical)})`}`;
    case 'discount':
      return v! > 0 ? `Discount of ${pct(v!)}` : 'No discount';
    case 'closeDatePushes':
      return v! > 0 ? `Close date pushed back ${plural(v!, 'time')}` : 'Close date never pushed back';
    case 'closeDatePushDays':
      return v! > 0 ? `Close date pushed back by ${plural(v!, 'day')} in total` : 'Close date never pushed back';
    case 'daysToExpectedClose':
      return v! < 0 ? `Expected close date passed ${plural(-v!, 'day')} ago` : `Expected to close in ${plural(v!, 'day')}`;
    case 'expectedCloseOverdue':
      return v ? 'Past its expected close date' : 'Still before its expected close date';
    case 'activities30d':
      return `${plural(v!, 'activity', 'activities')} in the last 30 days${typ}`;
    case 'meetings30d':
      return `${plural(v!, 'meeting or demo', 'meetings or demos')} in the last 30 days${typ}`;
    case 'daysSinceLastActivity':
      return v! >= 14 ? `No activity for ${plural(v!, 'day')}${typ}` : `Last activity ${plural(v!, 'day')} ago`;
    case 'repWinRate':
      return `${row.rep ?? 'The owner'} has won ${pct(v!)} of their closed deals`;
    case 'segmentWinRate':
      return `${row.segment ?? 'This segment'} deals are won ${pct(v!)} of the time`;
    case 'accountWinRate':
      return Number(row.accountClosedDeals ?? 0) > 0
        ? `This account has closed ${plural(Number(row.accountClosedDeals), 'deal')} with us before (win rate ${pct(v!)})`
        : 'First deal with this account';
    case 'accountClosedDeals':
      return v! > 0 ? `This account has closed ${plural(v!, 'deal')} with us before` : 'First deal with this account';
    case 'amountChanges':
      return v! > 0 ? `Amount changed ${plural(v!, 'time')}` : 'Amount unchanged since the start';
    case 'amountChangeRatio':
      return `Amount is ${pct(v!)} of the first figure`;
    case 'hasStageHistory':
      return v ? 'Stage history recorded' : 'No stage history recorded';
    case 'productWinRate':
    case 'sourceWinRate':
      return `${LABELS[feature]}: ${pct(v!)}`;
    default: {
      const label = LABELS[feature] ?? feature.replace(/^attr\./, '');
      return v === null ? `${label}: ${value}` : `${label}: ${num(v)}${typ}`;
    }
  }
}

/**
 * The strongest factors on each side, as indices: the `perSide` largest effects >= minEffect (largest first), then of the `perSide`
 * most negative <= -minEffect (most negative first); ties keep the input order. A selection, not a
 * sort: it runs per scored deal over every feature.
 */
export function topFactorIndices(effects: ArrayLike<number>, perSide = 3, minEffect = 0.02): number[] {
  const out: number[] = [];
  for (const sign of [1, -1]) {
    const start = out.length;
    for (let k = 0; k < perSide; k++) {
      let best = -1;
      for (let i = 0; i < effects.length; i++) {
        const e = sign * effects[i];
        if (e < minEffect || (best >= 0 && e <= sign * effects[best])) continue;
        let taken = false;
        for (let j = start; j < out.length; j++) if (out[j] === i) taken = true;
        if (!taken) best = i;
      }
      if (best < 0) break;
      out.push(best);
    }
  }
  return out;
}
