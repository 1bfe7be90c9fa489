// Backtests as a use case: load the history, choose the periods (and the warm-up periods the
// blend learns from first), replay them with runBacktest, and keep recent results in memory: the
// live forecast names its primary method from the same backtest the dashboard shows, and both
// would otherwise compute it on every request. A result is reused only for the same data (a
// fingerprint of every deal's history and the driver series), periods, seed and simulations.
import { DAY_MS } from '../../math/time';
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { invalidInput, unprocessable } from '../../errors';
import { runBacktest, type BacktestResult } from '../../domain/forecast/backtest';
import type { Deal } from '../../domain/deal-timeline/deal';
import { dealGroups } from '../../domain/deal-timeline/outcome';
import { periodContaining, periodsBetween, type Period, type PeriodKind } from '../../domain/forecast/period';
import { categoryMixFromCurrent } from '../../domain/forecast/pipeline-forecast';
import { checkSims } from './forecast-options';
import { loadDeals } from '../deals/load-deals';
import { loadMonthlyDrivers, type MonthlyDrivers } from './load-history';
import { pointInTimeWinModelScorer } from './win-model-scorer';

export interface BacktestOptions {
  from?: Date;
  to?: Date;
  period?: Exclude<PeriodKind, 'custom'>;
  sims?: number;
  seed?: number;
  /** 'stage-model' (default, fast) or 'win-model': the deal-win model retrained in memory as of each period start. */
  scorer?: 'stage-model' | 'win-model';
  now?: Date;
  /** Periods replayed before `from` to give the blend a record (default DEFAULT_WARM_UP). */
  warmUp?: number;
  /** Already loaded data (the live forecast passes its own). */
  history?: Deal[];
  drivers?: MonthlyDrivers;
  onProgress?: (done: number, total: number) => void;
}

/** Periods replayed before the reported ones so that the blend has a record from the first (rolling origin). */
export const DEFAULT_WARM_UP: Record<Exclude<PeriodKind, 'custom'>, number> = { month: 6, quarter: 4, year: 0 };

/** History a warm-up period needs before its start: forecasts made from a few weeks of closed deals say little about a method. */
export const WARM_UP_HISTORY_DAYS = 182;

/**
 * Up to `count` periods of the kind just before `first`, keeping only those with at least
 * WARM_UP_HISTORY_DAYS of closed deals before their start.
 */
export function warmUpPeriods(history: readonly Deal[], first: Period, kind: Exclude<PeriodKind, 'custom'>, count: number): Period[] {
  let firstClose = Infinity;
  for (const d of history)
    if (d.closedAt != null && (d.outcome === 'won' || d.outcome === 'lost') && d.closedAt < firstClose) firstClose = d.closedAt;
  const earliest = firstClose + WARM_UP_HISTORY_DAYS * DAY_MS;
  const out: Period[] = [];
  let p = first;
  for (let i = 0; i < count; i++) {
    p = periodContaining(new Date(p.start.getTime() - 1), kind);
    if (!(p.start.getTime() >= earliest)) break;
    out.unshift(p);
  }
  return out;
}

export interface BacktestReport extends BacktestResult {
  /** Periods where the requested scorer could not be used, and why. */
  notes?: string[];
  from: string;
  to: string;
  periodKind: string;
  elapsedMs: number;
}

/** Replays history as of each period start (default: the last 12 full months) and scores every method. */
/**
 * The periods to report: [from, to) of the kind, complete by `now`. Without `from`, the 12 months
 * (36 for years) before `to`, starting no earlier than the first period with a closed deal before it.
 */
function resolvePeriods(history: readonly Deal[], opts: BacktestOptions, now: Date) {
  const kind = opts.period ?? 'month';
  const to = opts.to ?? periodContaining(now, kind).start;
  let from = opts.from ?? new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - (kind === 'year' ? 36 : 12), 1));
  if (!opts.from) {
    let firstClose = Infinity;
    for (const d of history)
      if (d.closedAt != null && (d.outcome === 'won' || d.outcome === 'lost') && d.closedAt < firstClose) firstClose = d.closedAt;
    const first = periodsBetween(from, to, kind).find((p) => p.start.getTime() > firstClose);
    if (first && first.start > from) from = first.start;
  }
  if (!(from < to))
    throw invalidInput('backtest --from must be before --to', [
      { path: ['from'], value: from.toISOString(), problem: 'must be before to' },
    ]);
  const periods = periodsBetween(from, to, kind).filter((p) => p.end.getTime() <= now.getTime());
  if (periods.length === 0) throw invalidInput('No complete period between from and to to backtest');
  const firstStart = periods[0].start.getTime();
  if (!history.some((d) => d.closedAt != null && d.closedAt < firstStart))
    throw unprocessable(
      `No deal closed before ${periods[0].start.toISOString().slice(0, 10)}: a backtest needs history before its first period (import deals or choose a later --from)`,
    );
  return { kind, from, to, periods };
}

async function computeBacktest(db: Database, opts: BacktestOptions): Promise<BacktestReport> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const history = opts.history ?? (await loadDeals(db, { activities: false }));
  const { kind, from, to, periods } = resolvePeriods(history, opts, now);
  const sims = opts.sims ?? 2000;
  checkSims(sims);
  const seed = opts.seed ?? loadConfig().SALESCAST_SEED;
  const drivers = opts.drivers ?? (await loadMonthlyDrivers(db));
  const warmUp = warmUpPeriods(history, periods[0], kind, opts.warmUp ?? DEFAULT_WARM_UP[kind]);
  const total = warmUp.length + periods.length;
  let done = 0;
  const fallbacks: string[] = [];
  const result = await runBacktest({
    history,
    periods,
    warmUp,
    sims,
    seed,
    categoryOf: categoryMixFromCurrent(history),
    drivers: { activities: drivers.activities, campaignSpend: drivers.campaignSpend },
    scorerName: opts.scorer === 'win-model' ? 'win-model (retrained as of each period)' : undefined,
    scorerFor:
      opts.scorer === 'win-model'
        ? async (asOf) => {
            const s = await pointInTimeWinModelScorer(db, new Date(asOf), { seed });
            if (!s.scorer) fallbacks.push(`${new Date(asOf).toISOString().slice(0, 10)} (no win model: ${s.reason})`);
            opts.onProgress?.(++done, total);
            return s.scorer ?? undefined;
          }
        : () => {
            opts.onProgress?.(++done, total);
            return undefined;
          },
  });
  return {
    ...result,
    ...(fallbacks.length ? { notes: fallbacks.map((f) => `the stage model scored the period starting ${f.replace(/\.$/, '')}`) } : {}),
    from: from.toISOString(),
    to: to.toISOString(),
    periodKind: kind,
    elapsedMs: Date.now() - started,
  };
}

const CACHE_SIZE = 16;
const cache = new Map<string, Promise<BacktestReport>>();

/** FNV-1a over every number that a backtest reads from the deals and driver series. */
export function dataFingerprint(history: readonly Deal[], drivers: MonthlyDrivers): string {
  let h = 0x811c9dc5;
  const mix = (v: number | null | undefined) => {
    const x = v == null ? -1 : v;
    h = Math.imul(h ^ (x | 0), 0x01000193);
    h = Math.imul(h ^ Math.floor(x / 4294967296), 0x01000193);
    h = Math.imul(h ^ Math.round((x % 1) * 1e6), 0x01000193);
  };
  const text = (t: string | null | undefined) => {
    const u = t ?? '';
    for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xff, 0x01000193);
  };
  for (const d of history) {
    mix(d.id);
    mix(d.amount);
    mix(d.createdAt);
    mix(d.closedAt);
    mix(d.expectedCloseAt);
    text(d.outcome);
    text(d.stage);
    text(d.forecastCategory);
    for (const v of Object.values(dealGroups(d))) text(v);
    for (const e of d.stageChanges ?? []) {
      mix(e.at);
      mix(e.amount);
      mix(e.expectedCloseAt);
      text(e.toStage);
    }
  }
  for (const series of [drivers.activities, drivers.campaignSpend, drivers.revenue])
    for (const [k, v] of [...series.entries()].sort((a, b) => a[0] - b[0])) {
      mix(k);
      mix(v);
    }
  return `${history.length}:${(h >>> 0).toString(16)}`;
}

/**
 * Replays history as of each period start (default: the last 12 full months) and scores every
 * method. Results for the stage model are kept for the same data and request (win-model
 * backtests retrain per period and are not cached).
 */
export async function backtestForecasts(db: Database, opts: BacktestOptions = {}): Promise<BacktestReport> {
  if (opts.scorer === 'win-model') return computeBacktest(db, opts);
  const history = opts.history ?? (await loadDeals(db, { activities: false }));
  const drivers = opts.drivers ?? (await loadMonthlyDrivers(db));
  const now = opts.now ?? new Date();
  const { kind, periods } = resolvePeriods(history, opts, now);
  const key = JSON.stringify([
    dataFingerprint(history, drivers),
    kind,
    periods.map((p) => p.label).join(','),
    opts.sims ?? null,
    opts.seed ?? loadConfig().SALESCAST_SEED,
    opts.warmUp ?? null,
  ]);
  let hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
  } else {
    hit = computeBacktest(db, { ...opts, history, drivers, now });
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  return hit;
}
