// The parts of a deal-win model around the classifier: the close-timing model (fitted on won
// training snapshots, checked on the won test snapshots), the context explanations compare against,
// and the stage-baseline scorer served when no model is trained.
import { AppError } from '../../errors';
import { GroupRateBaseline } from '../../ml/baseline';
import type { RawRow } from '../../ml/feature-encoder';
import { createRng } from '../../math/random';
import { dealAsOf } from '../../domain/deal-timeline/as-of';
import type { Deal } from '../../domain/deal-timeline/deal';
import { dealBaseSchema, DEAL_NUMERIC_FEATURES } from '../../domain/features/deal-features';
import { snapshotMoments, type DealSnapshotMoment } from '../../domain/features/deal-examples';
import { DealHistory, historyKeys } from '../../domain/features/deal-history';
import { DAY_MS } from '../../math/time';
import type { ExplanationContext } from '../../domain/features/deal-explanations';
import { CloseTimingModel } from '../../domain/timing/close-timing';
import { WIN_ARTIFACT_FORMAT, WIN_ARTIFACT_KIND, WinScorer, type WinModelArtifact } from './win-scorer';

export interface TimingMetrics {
  testWonDeals: number;
  medianAbsErrorDays: number | null;
  slipRate: number | null;
  meanSlipProbability: number | null;
}

function timingExample(m: DealSnapshotMoment) {
  const s = dealAsOf(m.deal, m.at);
  return { stage: s.stage, segment: m.deal.account?.segment ?? null, at: m.at, closedAt: m.closedAt, expectedCloseAt: s.expectedCloseAt };
}

/** Close timing learned from won snapshots (conditional on winning). */
export function fitTiming(moments: DealSnapshotMoment[]): CloseTimingModel {
  return CloseTimingModel.fit(moments.filter((m) => m.won).map(timingExample));
}

/** Median close-date error and slip rate vs predicted slip probability on won test snapshots. */
export function timingMetrics(timing: CloseTimingModel, test: DealSnapshotMoment[]): TimingMetrics {
  const wonTest = test.filter((m) => m.won);
  const errs: number[] = [];
  let slipped = 0;
  let withDate = 0;
  let slipSum = 0;
  for (const m of wonTest) {
    const e = timingExample(m);
    const o = timing.outlook(e, m.at);
    if (o.expectedCloseAt != null) errs.push(Math.abs(o.expectedCloseAt - m.closedAt) / DAY_MS);
    if (e.expectedCloseAt != null && o.slipProbability != null) {
      withDate++;
      slipSum += o.slipProbability;
      const d = new Date(Math.max(e.expectedCloseAt, m.at));
      if (m.closedAt >= Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)) slipped++;
    }
  }
  errs.sort((a, b) => a - b);
  return {
    testWonDeals: wonTest.length,
    medianAbsErrorDays: errs.length ? errs[Math.floor(errs.length / 2)] : null,
    slipRate: withDate ? slipped / withDate : null,
    meanSlipProbability: withDate ? slipSum / withDate : null,
  };
}

function stageDurationsOfWins(closed: Deal[]): Map<string, number[]> {
  const durations = new Map<string, number[]>();
  for (const d of closed) {
    if (d.outcome !== 'won' || !d.stageChanges?.length) continue;
    const ch = [...d.stageChanges].sort((a, b) => a.at - b.at);
    let stage: string | null = ch[0].fromStage ?? null;
    let since = d.createdAt;
    for (const c of ch) {
      if (c.toStage === stage) continue;
      if (stage) {
        const list = durations.get(stage) ?? [];
        list.push((c.at - since) / DAY_MS);
        durations.set(stage, list);
      }
      stage = c.toStage;
      since = c.at;
    }
  }
  return durations;
}

/** What explanations compare against: stage durations and win rates, typical values of won deals. */
export function explanationContext(closed: Deal[], rows: RawRow[], y: number[], baseline: GroupRateBaseline): ExplanationContext {
  const durations = stageDurationsOfWins(closed);
  const stages: ExplanationContext['stages'] = {};
  const rates = baseline.rates;
  for (const s of new Set([...durations.keys(), ...Object.keys(rates)])) {
    const list = (durations.get(s) ?? []).sort((a, b) => a - b);
    stages[s] = {
      wonDaysP75: list.length >= 5 ? Math.round(list[Math.floor(0.75 * (list.length - 1))]) : null,
      winRate: rates[s]?.rate ?? null,
    };
  }
  const wonMedians: Record<string, number> = {};
  for (const f of DEAL_NUMERIC_FEATURES) {
    const vals = rows
      .filter((_, i) => y[i] === 1)
      .map((r) => r[f])
      .filter((v): v is number => typeof v === 'number')
      .sort((a, b) => a - b);
    if (vals.length) wonMedians[f] = vals[Math.floor(vals.length / 2)];
  }
  return { stages, wonMedians };
}

/**
 * The fallback used when no model version exists at all: historical win rate by stage and timing
 * from all closed deals. It needs closed deals of both outcomes: a CRM that records wins only
 * (a lead funnel) would otherwise be served certainty; there, train with `--lost-after-days` and
 * the version's own baseline is served instead (score-deals.ts).
 */
export function buildBaselineScorer(allDeals: Deal[], asOf: Date, seed: number, reason: string): WinScorer {
  const t = asOf.getTime();
  const closed = allDeals.filter((d) => d.closedAt != null && d.closedAt <= t && (d.outcome === 'won' || d.outcome === 'lost'));
  const won = closed.filter((d) => d.outcome === 'won').length;
  if (closed.length === 0)
    throw new AppError(
      'UNPROCESSABLE',
      'No closed deals yet: there is no history to score open deals from (import won and lost deals first)',
    );
  if (won === 0 || won === closed.length)
    throw new AppError(
      'UNPROCESSABLE',
      `All ${closed.length} closed deals are ${won ? 'won' : 'lost'}: a win rate needs both outcomes. If the CRM never records losses (a lead funnel), train with "salescast train win --lost-after-days N"`,
    );
  const history = new DealHistory(closed.map((d) => ({ closedAt: d.closedAt!, won: d.outcome === 'won', keys: historyKeys(d) })));
  const moments = snapshotMoments(closed, createRng(seed, 'mulberry32'));
  const stages = moments.map((m) => dealAsOf(m.deal, m.at).stage ?? '(unknown)');
  const y = moments.map((m) => m.won);
  const hasBoth = y.some((v) => v === 1) && y.some((v) => v === 0);
  const count = new Map<number, number>();
  for (const m of moments) count.set(m.dealIndex, (count.get(m.dealIndex) ?? 0) + 1);
  const baseline = hasBoth
    ? new GroupRateBaseline().fit(
        stages,
        y,
        moments.map((m) => 1 / count.get(m.dealIndex)!),
      )
    : new GroupRateBaseline().fit(
        closed.map(() => '(unknown)'),
        closed.map((d) => (d.outcome === 'won' ? 1 : 0)),
      );
  const artifact: WinModelArtifact = {
    kind: WIN_ARTIFACT_KIND,
    formatVersion: WIN_ARTIFACT_FORMAT,
    baseSchema: dealBaseSchema(),
    attributes: { numeric: [], categorical: [] },
    encoder: null,
    model: null,
    baseline: baseline.toArtifact(),
    timing: fitTiming(moments).toJSON(),
    history: history.freeze(t + 1),
    explain: { stages: {}, wonMedians: {} },
    asOf: asOf.toISOString(),
    seed,
  };
  return new WinScorer(artifact, { history, fallbackReason: reason });
}
