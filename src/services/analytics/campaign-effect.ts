// Campaign effect against a control group (issue 15). For a campaign with a target list: the
// accounts it targeted are compared with similar accounts it did not target, over the window that
// follows the campaign's start, on four outcomes: conversion (won a deal created in the window),
// order revenue, order margin and won deal amounts (bookings). "Similar" = the same values of the
// matching fields (default segment, region, customer or prospect at the start, and purchases in the
// 90 days before it: none, 1-2, 3+); within each such stratum targeted and control means are
// compared and the differences averaged with the targets' weights (src/domain/analytics/
// stratified-effect.ts: Cochran 1968; Imbens & Rubin 2015 ch. 17), with a normal interval and a z
// test; conversion also gets the Cochran–Mantel–Haenszel test. The result is the average effect on
// the targeted accounts, under the assumption that within a stratum the targets would have done
// what their controls did: targeting on something the strata do not capture biases it, and the
// naive difference is shown next to it to make the adjustment visible.
import { z } from 'zod';
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { attributedSums } from '../../db/repositories/analytics/campaign-attribution';
import {
  type Arm,
  campaignCount,
  campaignExists,
  campaignsWithTargets,
  DERIVED_MATCH_FIELDS,
  type EffectCampaign,
  effectStrata,
  RECENT_DAYS,
} from '../../db/repositories/analytics/campaign-effect';
import { measureSpan } from '../../db/repositories/analytics/growth';
import {
  type CmhTest,
  cochranMantelHaenszel,
  type StratifiedEffect,
  type StratumSums,
  stratifiedDifference,
} from '../../domain/analytics/stratified-effect';
import { notFound } from '../../errors';
import { DEFAULT_ATTRIBUTION_WINDOW_DAYS } from './campaigns';
import { Filters, parseInput } from './filters';

const DAY_MS = 86_400_000;
export const DEFAULT_MATCH_ON = ['segment', 'region', 'status', 'recent', 'trend'];

export const CampaignEffectInput = z.object({
  /** `campaign` picks campaigns (external id or name); other fields restrict the accounts compared. */
  filters: Filters,
  windowDays: z.coerce.number().int().min(1).max(3650).default(DEFAULT_ATTRIBUTION_WINDOW_DAYS),
  /** Matching fields: client fields (segment, region, industry, size, attr.<name>, ...), status, recent. */
  matchOn: z
    .union([z.string(), z.array(z.string())])
    .default(DEFAULT_MATCH_ON)
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean)),
  confidence: z.coerce.number().gt(0).lt(1).default(0.95),
});
export type CampaignEffectInputT = z.input<typeof CampaignEffectInput>;

export interface EffectOutcome {
  /** Mean per targeted account (those with a control in their stratum). */
  targeted: number | null;
  /** The same accounts' expected mean without the campaign: the controls reweighted to the targets' strata. */
  control: number | null;
  difference: number | null;
  lo: number | null;
  hi: number | null;
  pValue: number | null;
  significant: boolean | null;
  /** All targeted minus all others, without strata: what a naive comparison would say. */
  naiveDifference: number | null;
  /** Holm's step-down adjustment of pValue over the campaigns of the report (Holm 1979). */
  adjustedPValue: number | null;
}

export interface CampaignEffectRow {
  campaignId: string;
  name: string;
  channel: string | null;
  cost: number;
  /** Start of the window: the campaign's start, else its first targeting date. */
  start: string;
  /** End of the window (exclusive) and how many of its days the data covers. */
  windowEnd: string;
  observedDays: number;
  windowComplete: boolean;
  targets: number;
  population: { targeted: number; notTargeted: number };
  matched: { targeted: number; unmatchedTargets: number; controls: number; strata: number };
  conversion: EffectOutcome & { cmh: CmhTest };
  revenue: EffectOutcome;
  margin: EffectOutcome;
  bookings: EffectOutcome;
  /** Difference × matched targets: what the campaign added in all, with its interval. */
  incremental: {
    revenue: { estimate: number | null; lo: number | null; hi: number | null };
    margin: { estimate: number | null; lo: number | null; hi: number | null };
    /** (incremental margin − cost) ÷ cost. */
    roi: { estimate: number | null; lo: number | null; hi: number | null };
  };
  /** What attribution credits the campaign with (campaigns report, same window), for contrast. */
  attributed: { revenue: number; margin: number; roi: number | null };
  verdict: string;
}

export interface CampaignEffectResult {
  report: 'campaign-effect';
  currency: string;
  windowDays: number;
  matchOn: string[];
  confidence: number;
  method: string;
  campaigns: CampaignEffectRow[];
  notes: string[];
}

const METHOD =
  'Targeted vs not-targeted accounts in strata of equal matching fields; within-stratum differences averaged with the targets as weights (effect on the targeted, ATT: Cochran 1968; Imbens & Rubin 2015, ch. 17), Neyman variance, normal interval and z test; conversion also by the Cochran–Mantel–Haenszel test (Mantel & Haenszel 1959).';

function outcome(e: StratifiedEffect, confidence: number): EffectOutcome {
  return {
    targeted: e.treatedMean,
    control: e.controlMean,
    difference: e.difference,
    lo: e.lo,
    hi: e.hi,
    pValue: e.pValue,
    significant: e.pValue === null ? null : e.pValue < 1 - confidence,
    naiveDifference: e.naive.difference,
    adjustedPValue: null,
  };
}

const money = (v: number | null) => (v === null ? 'unknown' : `${v < 0 ? '−' : ''}${Math.abs(Math.round(v)).toLocaleString('en-US')}`);

function verdict(row: Omit<CampaignEffectRow, 'verdict'>, confidence: number, currency: string): string {
  const r = row.revenue;
  const level = `${Math.round(confidence * 100)}%`;
  if (row.matched.targeted === 0) return 'No targeted account has a similar account that was not targeted: no comparison is possible.';
  if (r.difference === null) return 'The comparison has no result.';
  const interval = r.lo === null ? '' : ` (${level} interval ${money(r.lo)} to ${money(r.hi)} ${currency})`;
  const per = `${r.difference >= 0 ? 'more' : 'less'} per account`;
  const what = `targeted accounts bought ${money(Math.abs(r.difference))} ${currency} ${per} in the window than similar accounts not targeted${interval}`;
  if (r.significant)
    return `In the ${row.observedDays} days after the start, ${what}: about ${money(row.incremental.revenue.estimate)} ${currency} in all, against a cost of ${money(row.cost)} ${currency}.`;
  return `No effect can be told from noise: ${what}${r.pValue === null ? '' : `, p = ${r.pValue.toFixed(2)}`}.`;
}

/** One campaign's comparison from its strata. */
function compare(
  c: EffectCampaign,
  strata: Awaited<ReturnType<typeof effectStrata>>,
  window: { start: Date; end: Date; dataEnd: Date },
  confidence: number,
  attributed: { revenue: number; margin: number },
  currency: string,
): CampaignEffectRow {
  const groups = new Map<string, { treated?: (typeof strata)[number]; control?: (typeof strata)[number] }>();
  for (const s of strata) {
    const k = JSON.stringify(s.key);
    const g = groups.get(k) ?? {};
    if (s.treated) g.treated = s;
    else g.control = s;
    groups.set(k, g);
  }
  const none: Arm = { n: 0, sum: 0, sumSq: 0 };
  const sums = (pick: (s: (typeof strata)[number]) => Arm): StratumSums[] =>
    [...groups.entries()].map(([stratum, g]) => ({
      stratum,
      treated: g.treated ? pick(g.treated) : none,
      control: g.control ? pick(g.control) : none,
    }));
  const conv = sums((s) => ({ n: s.n, sum: s.converted, sumSq: s.converted }));
  const eConv = stratifiedDifference(conv, confidence);
  const eRev = stratifiedDifference(
    sums((s) => s.revenue),
    confidence,
  );
  const eMargin = stratifiedDifference(
    sums((s) => s.margin),
    confidence,
  );
  const eBook = stratifiedDifference(
    sums((s) => s.bookings),
    confidence,
  );
  const n = eRev.treatedMatched;
  const scale = (v: number | null) => (v === null ? null : v * n);
  const roi = (m: number | null) => (m === null || c.cost <= 0 ? null : (m * n - c.cost) / c.cost);
  const observedEnd = Math.min(window.dataEnd.getTime(), window.end.getTime());
  const row: Omit<CampaignEffectRow, 'verdict'> = {
    campaignId: c.externalId,
    name: c.name,
    channel: c.channel,
    cost: c.cost,
    start: window.start.toISOString(),
    windowEnd: window.end.toISOString(),
    observedDays: Math.max(0, Math.round((observedEnd - window.start.getTime()) / DAY_MS)),
    windowComplete: window.dataEnd >= window.end,
    targets: c.targets,
    population: {
      targeted: strata.filter((s) => s.treated).reduce((a, s) => a + s.n, 0),
      notTargeted: strata.filter((s) => !s.treated).reduce((a, s) => a + s.n, 0),
    },
    matched: { targeted: n, unmatchedTargets: eRev.treatedUnmatched, controls: eRev.controlsUsed, strata: eRev.strataUsed },
    conversion: { ...outcome(eConv, confidence), cmh: cochranMantelHaenszel(conv) },
    revenue: outcome(eRev, confidence),
    margin: outcome(eMargin, confidence),
    bookings: outcome(eBook, confidence),
    incremental: {
      revenue: { estimate: scale(eRev.difference), lo: scale(eRev.lo), hi: scale(eRev.hi) },
      margin: { estimate: scale(eMargin.difference), lo: scale(eMargin.lo), hi: scale(eMargin.hi) },
      roi: { estimate: roi(eMargin.difference), lo: roi(eMargin.lo), hi: roi(eMargin.hi) },
    },
    attributed: { ...attributed, roi: c.cost > 0 ? (attributed.margin - c.cost) / c.cost : null },
  };
  return { ...row, verdict: verdict(row, confidence, currency) };
}

/** Holm's step-down adjusted p-values (Holm 1979, Scand. J. Statist. 6:65-70), written into each outcome. */
function holm(outcomes: EffectOutcome[]): void {
  const tested = outcomes.filter((o) => o.pValue !== null).sort((a, b) => a.pValue! - b.pValue!);
  let running = 0;
  tested.forEach((o, i) => {
    running = Math.max(running, Math.min(1, (tested.length - i) * o.pValue!));
    o.adjustedPValue = running;
  });
}

export async function campaignEffectReport(db: Database, input: CampaignEffectInputT = {}): Promise<CampaignEffectResult> {
  const q = parseInput(CampaignEffectInput, input, 'campaign-effect');
  const { campaign, ...filters } = q.filters;
  const names = campaign === undefined ? [] : (Array.isArray(campaign) ? campaign : [campaign]).map(String);
  const currency = loadConfig().CURRENCY;
  const notes: string[] = [];
  const base = {
    report: 'campaign-effect' as const,
    currency,
    windowDays: q.windowDays,
    matchOn: q.matchOn,
    confidence: q.confidence,
    method: METHOD,
  };
  const list = await campaignsWithTargets(db.sql, names);
  for (const name of names)
    if (!list.some((c) => c.externalId === name || c.name === name)) {
      if (!(await campaignExists(db.sql, name))) throw notFound(`No campaign with external id or name "${name}"`);
      notes.push(`Campaign "${name}" has no target list: import its targets (salescast import campaign-targets) to measure its effect.`);
    }
  if (list.length === 0 && names.length === 0)
    notes.push(
      (await campaignCount(db.sql)) === 0
        ? 'No campaigns are recorded, so there is no campaign effect to measure.'
        : 'No campaign has a target list. A target list says which accounts a campaign was aimed at (import campaign-targets); without one there is no targeted group to compare with a control group.',
    );
  const span = await measureSpan(db.sql, 'turnover');
  const dataEnd = span ? new Date((Math.floor(span.last.getTime() / DAY_MS) + 1) * DAY_MS) : new Date();
  if (!span && list.length)
    notes.push('No orders are recorded: revenue and margin are zero for everyone; conversion and bookings still compare.');
  const attributed = new Map(
    (await attributedSums(db.sql, { windowDays: q.windowDays, orderPeriod: { from: null, toExclusive: null } })).map((a) => [
      a.campaignId,
      a,
    ]),
  );
  const rows: CampaignEffectRow[] = [];
  for (const c of list) {
    const start = c.startedAt ?? c.firstTargetedAt;
    if (!start) {
      notes.push(`${c.externalId} has neither a start date nor targeting dates: the window cannot be placed.`);
      continue;
    }
    const end = new Date(start.getTime() + q.windowDays * DAY_MS);
    const strata = await effectStrata(db.sql, { campaignId: c.id, start, end, matchOn: q.matchOn, filters });
    const a = attributed.get(c.id);
    const row = compare(c, strata, { start, end, dataEnd }, q.confidence, { revenue: a?.revenue ?? 0, margin: a?.margin ?? 0 }, currency);
    if (!row.windowComplete)
      notes.push(`${c.externalId}: the data covers ${row.observedDays} of the ${q.windowDays} days after its start.`);
    rows.push(row);
  }
  for (const k of ['conversion', 'revenue', 'margin', 'bookings'] as const) holm(rows.map((r) => r[k]));
  if (rows.length > 1)
    notes.push(
      `${rows.length} campaigns are compared: at the ${Math.round((1 - q.confidence) * 100)}% level about ${(rows.length * (1 - q.confidence)).toFixed(1)} of them would look significant by chance alone; adjustedPValue (Holm) allows for that.`,
    );
  if (rows.length && q.matchOn.some((f) => (DERIVED_MATCH_FIELDS as readonly string[]).includes(f)))
    notes.push(
      `Matching fields: status = customer or prospect when the campaign started; recent = orders in the ${RECENT_DAYS} days before it (none, 1-2, 3+); trend = falling when those were fewer than half the orders of the ${RECENT_DAYS} days before them, else steady.`,
    );
  return { ...base, campaigns: rows, notes };
}
