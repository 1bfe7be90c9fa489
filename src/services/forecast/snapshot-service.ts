// Forecast snapshots: the forecast as of a moment stored in forecast_snapshot (one row for the
// overall Monte Carlo forecast, one per group, one for the stage-weighted pipeline) with every
// deal's state behind it in forecast_snapshot_deal, so that later snapshots can be compared deal
// by deal (what changed in the pipeline since last week) and past forecasts checked against actuals.
import type { Database } from '../../db/database';
import type { SqlRunner } from '../../db/sql';
import {
  countOverallSnapshots,
  insertSnapshotDeals,
  insertSnapshotRow,
  latestOverallSnapshots,
  overallSnapshotById,
  type SnapshotDealState,
  type SnapshotRecord,
  snapshotDealStates,
} from '../../db/repositories/forecast-snapshots';
import { opportunityLabels, opportunityOutcomes } from '../../db/repositories/opportunities';
import { invalidInput, notFound } from '../../errors';
import { pipelineWaterfall, type SnapshotDeal, type Waterfall } from '../../domain/forecast/pipeline-changes';
import { runPipelineForecast, type PipelineForecastOptions, type PipelineForecastReport } from './forecast-service';

export interface SnapshotSummary {
  id: number;
  takenAt: string;
  asOf: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  wonToDate: number;
  expected: number;
  p10: number;
  p50: number;
  p90: number;
  deals: number;
}

export interface TakeSnapshotResult {
  snapshotId: number;
  rows: number;
  deals: number;
  report: PipelineForecastReport;
}

/** Stores the forecast as of now (or opts.asOf) with its per-deal states. */
export async function takeForecastSnapshot(
  db: Database,
  opts: PipelineForecastOptions & { takenAt?: Date } = {},
): Promise<TakeSnapshotResult> {
  const forecast = await runPipelineForecast(db, opts);
  const takenAt = opts.takenAt ?? new Date();
  return db.sql.transaction(async (tx) => {
    const { id, rows } = await insertForecastRows(tx, forecast, takenAt);
    const deals = dealStatesOf(forecast.result);
    await insertSnapshotDeals(tx, id, deals);
    return { snapshotId: id, rows, deals: deals.length, report: forecast.report };
  });
}

type PipelineForecastRun = Awaited<ReturnType<typeof runPipelineForecast>>;

/**
 * The forecast rows: the overall Monte Carlo row (its id is the snapshot's), the stage-weighted
 * row, and one row per group of every breakdown.
 */
async function insertForecastRows(
  tx: SqlRunner,
  { result, report }: PipelineForecastRun,
  takenAt: Date,
): Promise<{ id: number; rows: number }> {
  const asOf = new Date(result.asOf);
  const p = result.period;
  const s = result.simulation;
  const details = {
    seed: report.seed,
    sims: report.sims,
    scorer: report.scorer,
    openPipeline: report.openPipeline,
    newBusiness: report.newBusiness,
    stageWeighted: report.stageWeighted,
    categories: report.categories,
  };
  const insert = (
    method: string,
    groupBy: string | null,
    groupKey: string | null,
    won: number,
    expected: number,
    p10: number,
    p50: number,
    p90: number,
    det: unknown,
  ) =>
    insertSnapshotRow(tx, {
      takenAt,
      asOf,
      periodLabel: p.label,
      periodStart: p.start,
      periodEnd: p.end,
      method,
      groupBy,
      groupKey,
      wonToDate: won,
      expected,
      p10,
      p50,
      p90,
      details: det,
    });
  const id = await insert('monte-carlo', null, null, s.wonToDate, s.total.expected, s.total.p10, s.total.p50, s.total.p90, details);
  let rows = 1;
  // No stage-weighted row when the CRM gives no expected close dates (not provided, not zero).
  const sw = result.stageWeighted;
  if (sw !== null) {
    await insert('stage-weighted', null, null, s.wonToDate, sw, sw, sw, sw, { parent: id });
    rows++;
  }
  for (const [dim, groups] of Object.entries(s.byDimension)) {
    for (const g of groups) {
      await insert('monte-carlo', dim, g.key, g.wonToDate, g.forecast.expected, g.forecast.p10, g.forecast.p50, g.forecast.p90, {
        parent: id,
        openDeals: g.openDeals,
      });
      rows++;
    }
  }
  return { id, rows };
}

/** Every open deal's state behind the forecast, and the deals won in the period so far. */
function dealStatesOf(result: PipelineForecastRun['result']): SnapshotDealState[] {
  return [
    ...result.openDeals.map((d) => ({
      opportunityId: d.id,
      stage: d.stage,
      outcome: 'open',
      amount: d.amount,
      expectedCloseAt: d.expectedCloseAt === null ? null : new Date(d.expectedCloseAt),
      winProbability: d.periodProbability,
    })),
    ...result.wonInPeriod.map((w) => ({
      opportunityId: w.id,
      stage: 'won',
      outcome: 'won',
      amount: w.amount,
      expectedCloseAt: new Date(w.closedAt),
      winProbability: 1,
    })),
  ];
}

const iso = (d: Date | null) => d?.toISOString() ?? '';

const summaryOf = (r: SnapshotRecord): SnapshotSummary => ({
  id: r.id,
  takenAt: iso(r.takenAt),
  asOf: iso(r.asOf),
  period: r.periodLabel,
  periodStart: iso(r.periodStart),
  periodEnd: iso(r.periodEnd),
  wonToDate: r.wonToDate,
  expected: r.expected,
  p10: r.p10,
  p50: r.p50,
  p90: r.p90,
  deals: r.deals,
});

/**
 * Overall Monte Carlo snapshots, latest as-of first (then latest taken): a snapshot backfilled
 * today as of last month sits where last month's would have been, so the default comparison of
 * the two latest is still the two most recent states of the pipeline.
 */
export async function listForecastSnapshots(db: Database, opts: { limit?: number } = {}): Promise<SnapshotSummary[]> {
  return (await latestOverallSnapshots(db.sql, opts.limit ?? 50)).map(summaryOf);
}

/** How many overall snapshots listForecastSnapshots can list. */
export function countForecastSnapshots(db: Database): Promise<number> {
  return countOverallSnapshots(db.sql);
}

export interface SnapshotChanges extends Waterfall {
  from: SnapshotSummary;
  to: SnapshotSummary;
  window: { start: string; end: string };
}

/** One overall snapshot by id (404 when there is none). */
export async function snapshotById(db: Database, id: number): Promise<SnapshotSummary> {
  const r = await overallSnapshotById(db.sql, id);
  if (!r) throw notFound(`no forecast snapshot with id ${id}`);
  return summaryOf(r);
}

async function snapshotDeals(db: Database, id: number): Promise<SnapshotDeal[]> {
  return (await snapshotDealStates(db.sql, id)).map((d) => ({ ...d, expectedCloseAt: d.expectedCloseAt?.getTime() ?? null }));
}

/**
 * Pipeline changes between two snapshots (default: the two latest) as a waterfall over the
 * earlier snapshot's period. Deals missing from the later snapshot are classified by their
 * current outcome in the database (won, else lost/removed).
 */
export async function compareForecastSnapshots(db: Database, opts: { from?: number; to?: number } = {}): Promise<SnapshotChanges> {
  let fromId = opts.from;
  let toId = opts.to;
  if (fromId === undefined || toId === undefined) {
    const latest = await listForecastSnapshots(db, { limit: 2 });
    if (toId === undefined) toId = latest[0]?.id;
    if (fromId === undefined) fromId = latest.find((s) => s.id !== toId)?.id;
  }
  if (fromId === undefined || toId === undefined)
    throw invalidInput('Two forecast snapshots are needed: take them with `salescast forecast snapshot`');
  const [from, to] = [await snapshotById(db, fromId), await snapshotById(db, toId)];
  const [a, b] = [await snapshotDeals(db, from.id), await snapshotDeals(db, to.id)];
  const inLater = new Set(b.map((d) => d.opportunityId));
  const missing = a.map((d) => d.opportunityId).filter((id) => !inLater.has(id));
  const outcomes = await opportunityOutcomes(db.sql, missing);
  const window = { start: Date.parse(from.periodStart), end: Date.parse(from.periodEnd) };
  const w = pipelineWaterfall(a, b, window, (id) => (outcomes.get(id) === 'won' ? 'won' : 'lost'));
  return { ...w, from, to, window: { start: from.periodStart, end: from.periodEnd } };
}

/** The CRM's external id and name of each deal (by internal id), for showing changes to people. */
export function dealLabels(db: Database, ids: readonly number[]): Promise<Map<number, { externalId: string; name: string | null }>> {
  return opportunityLabels(db.sql, ids);
}
