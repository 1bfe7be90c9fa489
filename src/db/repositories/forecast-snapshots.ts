// forecast_snapshot (one row per forecast figure: the overall Monte Carlo forecast, the
// stage-weighted pipeline, one per breakdown group) and forecast_snapshot_deal (every deal's state
// behind a snapshot). What to store is decided by src/services/forecast/snapshot-service.ts.
import { fromSqlDate, placeholders, type SqlRunner } from '../sql';

export interface NewSnapshotRow {
  takenAt: Date;
  asOf: Date;
  periodLabel: string;
  periodStart: Date;
  periodEnd: Date;
  method: string;
  groupBy: string | null;
  groupKey: string | null;
  wonToDate: number;
  expected: number;
  p10: number;
  p50: number;
  p90: number;
  /** Stored as JSON. */
  details: unknown;
}

/** Inserts one snapshot row and returns its id. */
export async function insertSnapshotRow(tx: SqlRunner, r: NewSnapshotRow): Promise<number> {
  const rows = await tx.all<{ id: number | bigint }>(
    `INSERT INTO forecast_snapshot (taken_at, as_of, period_label, period_start, period_end, method, group_by, group_key, won_to_date, expected, p10, p50, p90, details)
     VALUES (${placeholders(14)}) RETURNING id`,
    [
      r.takenAt,
      r.asOf,
      r.periodLabel,
      r.periodStart,
      r.periodEnd,
      r.method,
      r.groupBy,
      r.groupKey,
      r.wonToDate,
      r.expected,
      r.p10,
      r.p50,
      r.p90,
      r.details,
    ],
  );
  return Number(rows[0].id);
}

export interface SnapshotDealState {
  opportunityId: number;
  stage: string;
  outcome: string;
  amount: number;
  expectedCloseAt: Date | null;
  winProbability: number | null;
}

const DEAL_CHUNK = 200;

/** Inserts the deal states behind a snapshot, DEAL_CHUNK rows per statement. */
export async function insertSnapshotDeals(tx: SqlRunner, snapshotId: number, deals: readonly SnapshotDealState[]): Promise<void> {
  for (let i = 0; i < deals.length; i += DEAL_CHUNK) {
    const chunk = deals.slice(i, i + DEAL_CHUNK);
    await tx.run(
      `INSERT INTO forecast_snapshot_deal (snapshot_id, opportunity_id, stage, outcome, amount, expected_close_at, win_probability) VALUES ${chunk.map(() => `(${placeholders(7)})`).join(', ')}`,
      chunk.flatMap((d) => [snapshotId, d.opportunityId, d.stage, d.outcome, d.amount, d.expectedCloseAt, d.winProbability]),
    );
  }
}

/** An overall Monte Carlo snapshot with the number of deals behind it. */
export interface SnapshotRecord {
  id: number;
  takenAt: Date | null;
  asOf: Date | null;
  periodLabel: string;
  periodStart: Date | null;
  periodEnd: Date | null;
  wonToDate: number;
  expected: number;
  p10: number;
  p50: number;
  p90: number;
  deals: number;
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

const toRecord = (r: SnapshotRow): SnapshotRecord => ({
  id: Number(r.id),
  takenAt: fromSqlDate(r.taken_at),
  asOf: fromSqlDate(r.as_of),
  periodLabel: r.period_label,
  periodStart: fromSqlDate(r.period_start),
  periodEnd: fromSqlDate(r.period_end),
  wonToDate: Number(r.won_to_date),
  expected: Number(r.expected),
  p10: Number(r.p10),
  p50: Number(r.p50),
  p90: Number(r.p90),
  deals: Number(r.deals),
});

const OVERALL_COLUMNS = `s.id, s.taken_at, s.as_of, s.period_label, s.period_start, s.period_end, s.won_to_date, s.expected, s.p10, s.p50, s.p90,
            (SELECT COUNT(*) FROM forecast_snapshot_deal d WHERE d.snapshot_id = s.id) AS deals`;
const OVERALL = "s.method = 'monte-carlo' AND s.group_by IS NULL";

/** Overall Monte Carlo snapshots, latest as-of first (then latest taken, then latest id). */
export async function latestOverallSnapshots(q: SqlRunner, limit: number): Promise<SnapshotRecord[]> {
  const rows = await q.all<SnapshotRow>(
    `SELECT ${OVERALL_COLUMNS}
       FROM forecast_snapshot s WHERE ${OVERALL} ORDER BY s.as_of DESC, s.taken_at DESC, s.id DESC LIMIT ?`,
    [limit],
  );
  return rows.map(toRecord);
}

/** One overall Monte Carlo snapshot by id, or null. */
export async function overallSnapshotById(q: SqlRunner, id: number): Promise<SnapshotRecord | null> {
  const [row] = await q.all<SnapshotRow>(`SELECT ${OVERALL_COLUMNS} FROM forecast_snapshot s WHERE s.id = ? AND ${OVERALL}`, [id]);
  return row ? toRecord(row) : null;
}

/** How many overall Monte Carlo snapshots there are. */
export async function countOverallSnapshots(q: SqlRunner): Promise<number> {
  const [row] = await q.all<{ n: number }>(`SELECT COUNT(*) AS n FROM forecast_snapshot s WHERE ${OVERALL}`);
  return Number(row.n);
}

/** Whether any snapshot row exists at all. */
export async function anySnapshots(q: SqlRunner): Promise<boolean> {
  const [row] = await q.all<{ n: number | bigint }>('SELECT COUNT(*) AS n FROM forecast_snapshot');
  return Number(row.n) > 0;
}

/** The deal states behind a snapshot, by opportunity id. */
export async function snapshotDealStates(
  q: SqlRunner,
  snapshotId: number,
): Promise<{ opportunityId: number; stage: string; outcome: string; amount: number; expectedCloseAt: Date | null }[]> {
  const rows = await q.all<{ opportunity_id: number | bigint; stage: string; outcome: string; amount: number; expected_close_at: unknown }>(
    `SELECT opportunity_id, stage, outcome, amount, expected_close_at FROM forecast_snapshot_deal WHERE snapshot_id = ? ORDER BY opportunity_id`,
    [snapshotId],
  );
  return rows.map((r) => ({
    opportunityId: Number(r.opportunity_id),
    stage: r.stage,
    outcome: r.outcome,
    amount: Number(r.amount),
    expectedCloseAt: fromSqlDate(r.expected_close_at),
  }));
}
