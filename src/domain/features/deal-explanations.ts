// Turns a feature's contribution to the log-odds into a sentence a sales rep understands, e.g.
// "41 days in Negotiation; deals that close usually move on within 12". The comparison figures
// ("usually within 12") come from the won deals the model was trained on (ExplanationContext).
// Correlated features are explained together as one factor (DEAL_FACTOR_GROUPS: the activity
// counts over 7, 30 and 90 days and in total are one fact, "how active is this deal"), and what the
// caller did not provide is never cited as evidence (factor-units.ts).
import { isNotProvided, type FeatureRow, type FeatureValue } from './feature-row';
import { factorUnits, notProvidedNote, unitNotProvided, unitValue, type FactorUnit } from './factor-units';

type RawRow = FeatureRow | Record<string, unknown>;
type RawValue = Exclude<FeatureValue, symbol> | undefined;

export interface ExplanationContext {
  /** Per stage: 75th percentile of days won deals spent in it, and the stage's historical win rate. */
  stages: Record<string, { wonDaysP75: number | null; winRate: number | null }>;
  /** Median of each numeric feature over won training snapshots. */
  wonMedians: Record<string, number>;
}

export interface Factor {
  /** A feature, or a group of features explained together (activity, closeDate, owner, …). */
  feature: string;
  value: string | number | boolean | null;
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
  if (isNotProvided(value)) return `${LABELS[feature] ?? feature.replace(/^attr\./, '')} not provided`;
  if (value === null || value === undefined) {
    if (feature === 'stage') return 'Stage at this point unknown (no stage history)';
    if (feature === 'amount') return 'No amount recorded yet';
    if (feature === 'daysInStage') return 'Time in the current stage unknown';
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

/** Features explained together: one fact each, one summed effect, one sentence. */
export const DEAL_FACTOR_GROUPS: Record<string, readonly string[]> = {
  activity: ['activities7d', 'activities30d', 'activities90d', 'meetings30d', 'activitiesTotal', 'daysSinceLastActivity'],
  closeDate: ['daysToExpectedClose', 'expectedCloseOverdue', 'closeDatePushes', 'closeDatePushDays'],
  owner: ['rep', 'repWinRate', 'repClosedDeals'],
  account: ['accountWinRate', 'accountClosedDeals'],
  amount: ['amount', 'amountChanges', 'amountChangeRatio'],
  stageHistory: ['stageChanges', 'stagesVisited', 'hasStageHistory'],
  product: ['product', 'productWinRate'],
  source: ['source', 'sourceWinRate'],
  segment: ['segment', 'segmentWinRate'],
};

/** What a unit is read from, as the "not provided" note names it (the field the caller left out). */
const PROVIDED_BY: Record<string, string> = {
  activity: 'activities',
  closeDate: 'expected close date',
  owner: 'owner',
  team: 'owner',
  account: 'account',
  segment: 'account',
  industry: 'account',
  region: 'account',
  size: 'account',
  employees: 'account',
  annualRevenue: 'account',
  amount: 'amount',
  stageHistory: 'stage history',
  daysInStage: 'stage history',
  product: 'product',
  productFamily: 'product',
  source: 'lead source',
  campaignChannel: 'campaign',
};
const providedBy = (u: FactorUnit) =>
  PROVIDED_BY[u.name] ?? (u.name.startsWith('attr.') ? 'custom attributes' : (LABELS[u.name] ?? u.name).toLowerCase());

/** The explanation units of the deal model's features (groups first, then single features). */
export function dealFactorUnits(features: readonly string[]): FactorUnit[] {
  return factorUnits(features, DEAL_FACTOR_GROUPS);
}

const numberOf = (row: RawRow, f: string): number | null => {
  const v = row[f];
  return typeof v === 'number' ? v : null;
};

function explainActivity(row: RawRow, ctx: ExplanationContext): string {
  const total = numberOf(row, 'activitiesTotal');
  const a30 = numberOf(row, 'activities30d');
  const m30 = numberOf(row, 'meetings30d');
  const last = numberOf(row, 'daysSinceLastActivity');
  if (total === 0) return 'No activity logged on this deal yet';
  const parts: string[] = [];
  if (a30 !== null)
    parts.push(
      `${plural(a30, 'activity', 'activities')} in the last 30 days${m30 ? ` (${plural(m30, 'meeting or demo', 'meetings or demos')})` : ''}`,
    );
  if (total !== null) parts.push(`${num(total)} so far`);
  if (last !== null) parts.push(`the last one ${plural(last, 'day')} ago`);
  const typical = ctx.wonMedians.activities30d;
  return `${parts.join(', ')}${typical === undefined ? '' : ` (won deals: typically ${num(typical)} in 30 days)`}`;
}

function explainCloseDate(row: RawRow): string {
  const days = numberOf(row, 'daysToExpectedClose');
  const pushes = numberOf(row, 'closeDatePushes');
  const pushDays = numberOf(row, 'closeDatePushDays');
  const when =
    days === null
      ? 'No expected close date'
      : days < 0
        ? `Expected close date passed ${plural(-days, 'day')} ago`
        : `Expected to close in ${plural(days, 'day')}`;
  if (pushes === null) return when;
  if (pushes === 0) return `${when}; never pushed back`;
  return `${when}; pushed back ${plural(pushes, 'time')}${pushDays ? ` (${plural(pushDays, 'day')} in total)` : ''}`;
}

function explainOwner(row: RawRow): string {
  const rep = row.rep;
  if (rep === null || rep === undefined || isNotProvided(rep)) return 'No owner named';
  const rate = numberOf(row, 'repWinRate');
  const closed = numberOf(row, 'repClosedDeals');
  if (closed === 0 || rate === null) return `${rep}: no closed deals yet`;
  return `${rep} has won ${pct(rate)} of their ${closed === null ? '' : `${num(closed)} `}closed deals`;
}

function explainAccount(row: RawRow): string {
  const closed = numberOf(row, 'accountClosedDeals');
  const rate = numberOf(row, 'accountWinRate');
  if (closed === null && rate === null) return 'No account named';
  if (!closed) return 'First deal with this account';
  return `This account has closed ${plural(closed, 'deal')} with us before${rate === null ? '' : ` (win rate ${pct(rate)})`}`;
}

function explainAmount(row: RawRow, ctx: ExplanationContext): string {
  const amount = numberOf(row, 'amount');
  const changes = numberOf(row, 'amountChanges');
  const ratio = numberOf(row, 'amountChangeRatio');
  const typical = ctx.wonMedians.amount;
  const base =
    amount === null
      ? 'No amount recorded yet'
      : `Amount ${money(amount)}${typical === undefined ? '' : ` (won deals: typically ${money(typical)})`}`;
  if (!changes) return base;
  return `${base}; changed ${plural(changes, 'time')}${ratio === null ? '' : `, now ${pct(ratio)} of the first figure`}`;
}

function explainStageHistory(row: RawRow): string {
  const changes = numberOf(row, 'stageChanges');
  const visited = numberOf(row, 'stagesVisited');
  if (row.hasStageHistory === 0 || changes === null) return 'No stage history recorded';
  return `${plural(changes, 'stage change')}${visited === null ? '' : `, ${plural(visited, 'stage')} visited`}`;
}

/** Whether the model met a categorical value often enough in training to have learned about it. */
export type KnownCategory = (feature: string, value: string) => boolean;

function explainRated(row: RawRow, feature: string, label: string, known: KnownCategory): string {
  const v = row[feature];
  const rate = numberOf(row, `${feature}WinRate`);
  const name = v === null || v === undefined || isNotProvided(v) ? null : String(v);
  if (name === null) return `${label} not recorded`;
  // A value the model never met has the overall rate (its smoothing prior), not a record of its own.
  if (!known(feature, name)) return `${label} ${name}: new to the model, counted as average`;
  return rate === null ? `${label}: ${name}` : `${label} ${name}: won ${pct(rate)} of the time`;
}

/** The sentence of a unit: a group's own wording, or the single feature's. */
export function explainUnit(unit: FactorUnit, row: RawRow, ctx: ExplanationContext, known: KnownCategory = () => true): string {
  if (unit.features.length === 1) return explainFactor(unit.features[0], unitValue(unit, row), row, ctx);
  switch (unit.name) {
    case 'activity':
      return explainActivity(row, ctx);
    case 'closeDate':
      return explainCloseDate(row);
    case 'owner':
      return explainOwner(row);
    case 'account':
      return explainAccount(row);
    case 'amount':
      return explainAmount(row, ctx);
    case 'stageHistory':
      return explainStageHistory(row);
    case 'product':
      return explainRated(row, 'product', 'Product', known);
    case 'source':
      return explainRated(row, 'source', 'Lead source', known);
    case 'segment':
      return explainRated(row, 'segment', 'Segment', known);
    default:
      return unit.features.map((f) => explainFactor(f, unitValue({ name: f, features: [f] }, row), row, ctx)).join('; ');
  }
}

/**
 * The factors of one score: the `perSide` strongest units on each side (contributions to the
 * log-odds, `effects[i]` for `units[i]`), worded. Units the caller did not provide are not cited:
 * the encoder counted them as for a typical deal in the same stage (spec imputeBy), so their effect
 * is the stage's and is added to the stage's factor; they are named once at the end, with no effect.
 */
export function dealFactors(
  units: readonly FactorUnit[],
  effects: ArrayLike<number>,
  row: RawRow,
  ctx: ExplanationContext,
  perSide = 3,
  known: KnownCategory = () => true,
): Factor[] {
  // Effects rounded as shown; a unit the caller did not provide gives its effect to the stage's.
  const n = units.length;
  const stage = stageIndexOf(units);
  const ranked = new Array<number>(n);
  for (let i = 0; i < n; i++) ranked[i] = effects[i];
  let missing = 0; // how many units were not provided, and which (missingKey)
  let missingKey = 0;
  for (let i = 0; i < n; i++) {
    if (!unitNotProvided(units[i], row)) continue;
    missing++;
    if (i < BITS.length) missingKey += BITS[i]; // a set of units as a number: exact for the first 53
    if (stage >= 0) ranked[stage] += ranked[i];
    ranked[i] = 0;
  }
  for (let i = 0; i < n; i++) ranked[i] = Math.round(ranked[i] * 1000) / 1000;
  const factors: Factor[] = topFactorIndices(ranked, perSide).map((i) => ({
    feature: units[i].name,
    value: unitValue(units[i], row),
    effect: ranked[i],
    text: explainUnit(units[i], row, ctx, known),
  }));
  const note = missing ? notProvidedText(units, row, missingKey) : null;
  if (note) factors.push({ feature: 'notProvided', value: null, effect: 0, text: note });
  return factors;
}

/** 2^i for i < 53 (a table: Math.pow costs more than the rest of the bookkeeping together). */
const BITS = Array.from({ length: 53 }, (_, i) => 2 ** i);

const stageIndexes = new WeakMap<readonly FactorUnit[], number>();
function stageIndexOf(units: readonly FactorUnit[]): number {
  let i = stageIndexes.get(units);
  if (i === undefined) stageIndexes.set(units, (i = units.findIndex((u) => u.name === 'stage')));
  return i;
}

// The "not provided" sentence depends only on which units are missing: worded once per model's
// units and combination (a CRM frontend sends the same fields call after call).
const notProvidedTexts = new WeakMap<readonly FactorUnit[], Map<number, string | null>>();
function notProvidedText(units: readonly FactorUnit[], row: RawRow, missingKey: number): string | null {
  const word = () =>
    notProvidedNote(
      units.filter((u) => unitNotProvided(u, row)),
      providedBy,
      'deal in its stage',
    );
  if (units.length > 53) return word(); // the key would not be exact
  let texts = notProvidedTexts.get(units);
  if (!texts) notProvidedTexts.set(units, (texts = new Map()));
  let text = texts.get(missingKey);
  if (text === undefined) {
    text = word();
    if (texts.size < 4096) texts.set(missingKey, text); // combinations are few; bounded all the same
  }
  return text;
}
