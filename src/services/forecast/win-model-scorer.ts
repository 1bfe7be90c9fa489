// Adapter from the deal-win model (services/win, issue 3) to the forecast's DealScorer: each open
// deal's calibrated win probability and its close-timing distribution over calendar months after
// the as-of month, turned into P(close inside the forecast window | won).
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { isAppError } from '../../errors';
import type { Deal } from '../../domain/deal-timeline/deal';
import type { DealScore, DealScorer } from '../../domain/forecast/pipeline-forecast';
import { loadDeals } from '../deals/load-deals';
import { WinScoring } from '../win/score-deals';
import { buildWinModel } from '../win/build-win-model';
import type { WinScorer } from '../win/win-scorer';

/**
 * P(close in [start, end) | won) from probabilities per calendar month after the as-of month
 * (month 0 = the rest of the as-of month). A month partly inside the window contributes in
 * proportion to the overlap of its remaining days (closing times spread evenly within a month).
 */
export function windowProbabilityFromMonths(
  dist: readonly { monthOffset: number; probability: number }[],
  asOf: number,
  start: number,
  end: number,
): number {
  const d0 = new Date(asOf);
  let p = 0;
  for (const { monthOffset, probability } of dist) {
    if (!(probability > 0)) continue;
    const mStart = Math.max(asOf, Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth() + monthOffset, 1));
    const mEnd = Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth() + monthOffset + 1, 1);
    if (mEnd <= mStart) continue;
    const overlap = Math.max(0, Math.min(end, mEnd) - Math.max(start, mStart));
    p += (probability * overlap) / (mEnd - mStart);
  }
  return Math.min(1, p);
}

export interface WinModelScorerHandle {
  scorer: DealScorer;
  name: string;
  fallback: boolean;
  fallbackReason?: string;
  /** The loaded deal inputs (as of asOf), for what-if edits. */
  inputs: Map<number, Deal>;
  winScorer: WinScorer;
}

/** Wraps a WinScorer; `edit` lets what-if change a deal's input before it is scored. */
export function dealScorerFrom(winScorer: WinScorer, inputs: Map<number, Deal>, edit?: (input: Deal) => Deal): DealScorer {
  return (deals, ctx) => {
    const out = new Map<number, DealScore>();
    for (const d of deals) {
      const base = inputs.get(d.id);
      if (!base) continue; // not known to the win model's loader: the stage model scores it
      const input = edit ? edit(base) : base;
      const o = winScorer.outlook(input, ctx.asOf);
      out.set(d.id, {
        winProbability: o.winProbability,
        inPeriodProbability: windowProbabilityFromMonths(o.closeDistribution, ctx.asOf, ctx.start, ctx.end),
      });
    }
    return out;
  };
}

/** The active deal-win model (or C's stage baseline when none is active) for deals open as of asOf. */
export async function activeWinModelScorer(db: Database, asOf: Date, opts: { modelsDir?: string } = {}): Promise<WinModelScorerHandle> {
  const scoring = new WinScoring(db, { modelsDir: opts.modelsDir });
  await scoring.refresh();
  const winScorer = scoring.scorer();
  const inputs = new Map<number, Deal>();
  for (const d of await loadDeals(db, { openOnly: true, asOf })) if (d.id !== undefined) inputs.set(d.id, d);
  return {
    scorer: dealScorerFrom(winScorer, inputs),
    name: winScorer.isFallback ? 'win-model-baseline' : `win-model v${winScorer.version ?? '?'} (${winScorer.algorithm})`,
    fallback: winScorer.isFallback,
    ...(winScorer.isFallback ? { fallbackReason: winScorer.fallbackReason } : {}),
    inputs,
    winScorer,
  };
}

/**
 * A win model trained in memory on data known at asOf only (for backtests); nothing is stored and
 * the registry is not touched. Returns null, with the reason, when the history before asOf is too
 * short to train (the period is then scored by the stage model).
 */
export async function pointInTimeWinModelScorer(
  db: Database,
  asOf: Date,
  opts: { seed?: number } = {},
): Promise<{ scorer: DealScorer | null; reason?: string }> {
  const config = loadConfig();
  const deals = await loadDeals(db, { asOf }); // cut at asOf: later events dropped, later closes shown open
  let built: Awaited<ReturnType<typeof buildWinModel>>;
  try {
    built = await buildWinModel(deals, {
      asOf,
      seed: opts.seed ?? config.SALESCAST_SEED,
      minWon: config.MIN_WON_DEALS,
      minLost: config.MIN_LOST_DEALS,
      algorithms: ['logistic'],
    });
  } catch (e) {
    if (isAppError(e) && e.code === 'UNPROCESSABLE') return { scorer: null, reason: e.message };
    throw e;
  }
  const inputs = new Map<number, Deal>();
  for (const d of deals) if (d.id !== undefined && (d.outcome ?? 'open') === 'open') inputs.set(d.id, d);
  return { scorer: dealScorerFrom(built.scorer, inputs) };
}
