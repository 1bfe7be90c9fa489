// Forecast snapshots: the forecast as of a moment stored in forecast_snapshot (one row for the
// overall Monte Carlo forecast, one per group, one for the stage-weighted pipeline) with every
// deal's state behind it in forecast_snapshot_deal, so that later snapshots can be compared deal
// by deal (what changed in the pipeline since last week) and past forecasts checked against actuals.
import type { Database } from '../../db/database';
import { fromSqlDate } from '../../db/sql';
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
  const { result, report } = await runPipelineForecast(db, opts);
  const takenAt = opts.takenAt ?? new Date();
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
  return db.sql.transaction(async (tx) => {
    const insert = async (
      method: string,
      groupBy: string | null,
      groupKey: string | null,
      won: number,
      expected: number,
      p10: number,
      p50: number,
      p90: number,
      det: unknown,
    ) => {
      const rows = await tx.all<{ id: number | bigint }>(
        `INSERT INTO forecast_snapshot (taken_at, as_of, period_label, period_start, period_end, method, group_by, group_key, won_to_date, expected, p10, p50, p90, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [takenAt, asOf, p.label, p.start, p.end, method, groupBy, groupKey, won, expected, p10, p50, p90, det],
      );
      return Number(rows[0].id);
    };
    const id = await insert('monte-carlo', null, null, s.wonToDate, s.total.expected, s.total.p10, s.total.p50, s.total.p90, details);
    let rows = 1;
    await insert(
      'stage-weighted',
      null,
      null,
      s.wonToDate,
      result.stageWeighted,
      result.stageWeighted,
      result.stageWeighted,
      result.stageWeighted,
      { parent: id },
    );
    rows++;
    for (const [dim, groups] of Object.entries(s.byDimension)) {
      for (const g of groups) {
        await insert('monte-carlo', dim, g.key, g.wonToDate, g.forecast.expected, g.forecast.p10, g.forecast.p50, g.forecast.p90, {
          parent: id,
          openDeals: g.openDeals,
        });
        rows++;
      }
    }
    const deals: unknown[][] = [
      ...result.openDeals.map((d) => [
        id,
        d.id,
        d.stage,
        'open',
        d.amount,
        d.expectedCloseAt === null ? null : new Date(d.expectedCloseAt),
        d.winProbability * d.inPeriodProbability,
      ]),
      ...result.wonInPeriod.map((w) => [id, w.id, 'won', 'won', w.amount, new Date(w.closedAt), 1]),
    ];
    for (let i = 0; i < deals.length; i += 200) {
      const chunk = deals.slice(i, i + 200);
      await tx.run(
        `INSERT INTO forecast_snapshot_deal (snapshot_id, opportunity_id, stage, outcome, amount, expected_close_at, win_probability) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flat(),
      );
    }
    return { snapshotId: id, rows, deals: deals.length, report };
  });
}

interface SnapshotRow {
  id: number | bigint;
  taken_at: unknown;
  as_of: unknown;
  period_label: string;
  period_start: unknown;
  period_end: unknown;
  won_to_date: number;
  expected: number;
  p10: number;
  p50: number;
  p90: number;
  deals: number | bigint;
}

const iso = (v: unknown) => fromSqlDate(v)?.toISOString() ?? '';

/**
 * Overall Monte Carlo snapshots, latest as-of first (then latest taken): a snapshot backfilled
 * today as of last month sits where last month's would have been, so the default comparison of
 * the two latest is still the two most recent states of the pipeline.
 */
export async function listForecastSnapshots(db: Database, opts: { limit?: number } = {}): Promise<SnapshotSummary[]> {
  const rows = await db.sql.all<SnapshotRow>(
    `SELECT s.id, s.taken_at, s.as_of, s.period_label, s.period_start, s.period_end, s.won_to_date, s.expected, s.p10, s.p50, s.p90,
            (SELECT COUNT(*) FROM forecast_snapshot_deal d WHERE d.snapshot_id = s.id) AS deals
       FROM forecast_snapshot s WHERE s.method = 'monte-carlo' AND s.group_by IS NULL ORDER BY s.as_of DESC, s.taken_at DESC, s.id DESC LIMIT ?`,
    [opts.limit ?? 50],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    takenAt: iso(r.taken_at),
    asOf: iso(r.as_of),
    period: r.period_label,
    periodStart: iso(r.period_start),
    periodEnd: iso(r.period_end),
    wonToDate: Number(r.won_to_date),
    expected: Number(r.expected),
    p10: Number(r.p10),
    p50: Number(r.p50),
    p90: Number(r.p90),
    deals: Number(r.deals),
  }));
}

export interface SnapshotChanges extends Waterfall {
  from: SnapshotSummary;
  to: SnapshotSummary;
  window: { start: string; end: string };
}

/** One overall snapshot by id (404 when there is none). */
export async function snapshotById(db: Database, id: number): Promise<SnapshotSummary> {
  const rows = await db.sql.all<SnapshotRow>(
    `SELECT s.id, s.taken_at, s.as_of, s.period_label, s.period_start, s.period_end, s.won_to_date, s.expected, s.p10, s.p50, s.p90,
            (SELECT COUNT(*) FROM forecast_snapshot_deal d WHERE d.snapshot_id = s.id) AS deals
       FROM forecast_snapshot s WHERE s.id = ? AND s.method = 'monte-carlo' AND s.group_by IS NULL`,
    [id],
  );
  if (!rows.length) throw notFound(`no forecast snapshot with id ${id}`);
  const [r] = rows;
  return {
    id: Number(r.id),
    takenAt: iso(r.taken_at),
    asOf: iso(r.as_of),
    period: r.period_label,
    periodStart: iso(r.period_start),
    periodEnd: iso(r.period_end),
    wonToDate: Number(r.won_to_date),
    expected: Number(r.expected),
    p10: Number(r.p10),
    p50: Number(r.p50),
    p90: Number(r.p90),
    deals: Number(r.deals),
  };
}

async function snapshotDeals(db: Database, id: number): Promise<SnapshotDeal[]> {
  const rows = await db.sql.all<{
    opportunity_id: number | bigint;
    stage: string;
    outcome: string;
    amount: number;
    expected_close_at: unknown;
  }>(
    `SELECT opportunity_id, stage, outcome, amount, expected_close_at FROM forecast_snapshot_deal WHERE snapshot_id = ? ORDER BY opportunity_id`,
    [id],
  );
  return rows.map((r) => ({
    opportunityId: Number(r.opportunity_id),
    stage: r.stage,
    outcome: r.outcome,
    amount: Number(r.amount),
    expectedCloseAt: fromSqlDate(r.expected_close_at)?.getTime() ?? null,
  }));
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
  const outcomes = new Map<number, string>();
  for (let i = 0; i < missing.length; i += 500) {
    const ids = missing.slice(i, i + 500);
    for (const r of await db.sql.all<{ id: number | bigint; outcome: string }>(
      `SELECT id, outcome FROM opportunity WHERE id IN (${ids.map(() => '?').join(',')})`,
      ids,
    ))
      outcomes.set(Number(r.id), r.outcome);
  }
  const window = { start: Date.parse(from.periodStart), end: Date.parse(from.periodEnd) };
  const w = pipelineWaterfall(a, b, window, (id) => (outcomes.get(id) === 'won' ? 'won' : 'lost'));
  return { ...w, from, to, window: { start: from.periodStart, end: from.periodEnd } };
}

/** The CRM's external id and name of each deal (by internal id), for showing changes to people. */
export async function dealLabels(db: Database, ids: readonly number[]): Promise<Map<number, { externalId: string; name: string | null }>> {
  const out = new Map<number, { externalId: string; name: string | null }>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    for (const r of await db.sql.all<{ id: number | bigint; external_id: string; name: string | null }>(
      `SELECT id, external_id, name FROM opportunity WHERE id IN (${chunk.map(() => '?').join(',')})`,
      chunk,
    )) {
      out.set(Number(r.id), { externalId: r.external_id, name: r.name ?? null });
    }
  }
  return out;
}
