// Stored scores: deal_score (one row per deal per `score deals` run) and customer_score (one row per
// account, replaced by each `score customers` run), written in the caller's transaction, and the
// latest score of each deal or customer read back for the listings, with its strongest factor.
import { fromSqlDate, IN_CHUNK, placeholders, type SqlRunner } from '../sql';

/** A factor as stored in the factors JSON of a score. */
export interface StoredFactor {
  feature: string;
  value: string | number | boolean | null;
  effect: number;
  text: string;
}

/**
 * The strongest factor (largest |effect|) of a stored score, or null. Deal scores store
 * `{ factors: [...], ... }`, older rows a bare list; both are read. Unreadable JSON gives null.
 */
export function topFactorOf(raw: unknown): StoredFactor | null {
  try {
    const v = typeof raw === 'string' ? JSON.parse(raw) : raw;
    const list = (Array.isArray(v) ? v : (v as { factors?: unknown[] } | null)?.factors) as
      | { feature: string; value: unknown; effect: number; text: string }[]
      | undefined;
    if (!list?.length) return null;
    const top = [...list].sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect))[0];
    return {
      feature: String(top.feature),
      value: (top.value ?? null) as string | number | boolean | null,
      effect: Number(top.effect),
      text: String(top.text),
    };
  } catch {
    return null;
  }
}

const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

// ---------------------------------------------------------------------------------------------
// Deal scores

export interface NewDealScore {
  opportunityId: number;
  modelVersionId: number | null;
  winProbability: number;
  expectedCloseAt: Date | null;
  slipProbability: number | null;
  fallback: boolean;
  /** Stored as JSON: factors, close distribution, algorithm, fallback reason. */
  details: Record<string, unknown>;
  scoredAt: Date;
}

/** Appends deal scores (readers take the latest per deal). Run it inside a transaction. */
export async function insertDealScores(tx: SqlRunner, scores: readonly NewDealScore[]): Promise<void> {
  for (const s of scores) {
    await tx.run(
      `INSERT INTO deal_score (opportunity_id, model_version_id, win_probability, expected_close_at, slip_probability, fallback, factors, scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [s.opportunityId, s.modelVersionId, s.winProbability, s.expectedCloseAt, s.slipProbability, s.fallback, s.details, s.scoredAt],
    );
  }
}

/** Fields the deal score listing sorts by, and their columns (a closed list: written into the SQL text). */
const DEAL_SORT_COLUMNS = {
  winProbability: 's.win_probability',
  amount: 'o.amount',
  expectedCloseAt: 's.expected_close_at',
  scoredAt: 's.scored_at',
  externalId: 'o.external_id',
} as const;
export type DealScoreSort = keyof typeof DEAL_SORT_COLUMNS;

export interface LatestDealScore {
  externalId: string;
  name: string | null;
  /** The deal's account, when it has one. */
  account: { externalId: string; name: string } | null;
  /** The name of the deal's rep, when it has one. */
  rep: string | null;
  stage: string;
  amount: number;
  winProbability: number;
  expectedCloseAt: Date | null;
  slipProbability: number | null;
  fallback: boolean;
  modelVersion: number | null;
  topFactor: StoredFactor | null;
  scoredAt: Date;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** Sort order of a listing: NULLs last either way, then the row id so pages never overlap. */
function sortedBy(col: string, descending: boolean, tieBreak: string): string {
  return `CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END, ${col} ${descending ? 'DESC' : 'ASC'}, ${tieBreak}`;
}

function sortColumn<M extends Record<string, string>>(columns: M, field: string): string {
  if (!Object.hasOwn(columns, field)) throw new Error(`unknown sort field ${field}`);
  return columns[field];
}

/** The latest stored score of every open deal (optionally of one stage), a page of them and the total. */
export async function latestDealScores(
  q: SqlRunner,
  opts: { stage?: string; sort: DealScoreSort; descending: boolean; limit: number; offset: number },
): Promise<Page<LatestDealScore>> {
  const col = sortColumn(DEAL_SORT_COLUMNS, opts.sort);
  const where = ["o.outcome = 'open'", 's.id = (SELECT MAX(s2.id) FROM deal_score s2 WHERE s2.opportunity_id = s.opportunity_id)'];
  const args: unknown[] = [];
  if (opts.stage) {
    where.push('o.stage = ?');
    args.push(opts.stage);
  }
  const from = `FROM deal_score s JOIN opportunity o ON o.id = s.opportunity_id LEFT JOIN model_version mv ON mv.id = s.model_version_id
      LEFT JOIN account a ON a.id = o.account_id LEFT JOIN rep r ON r.id = o.rep_id WHERE ${where.join(' AND ')}`;
  const [{ n }] = await q.all<{ n: number }>(`SELECT COUNT(*) AS n ${from}`, args);
  const rows = await q.all<Record<string, unknown>>(
    `SELECT o.external_id, o.name, a.external_id AS account_external_id, a.name AS account_name, r.name AS rep_name, o.stage, o.amount, s.win_probability, s.expected_close_at, s.slip_probability, s.fallback, s.factors, mv.version, s.scored_at ${from}
     ORDER BY ${sortedBy(col, opts.descending, 'o.id')} LIMIT ? OFFSET ?`,
    [...args, opts.limit, opts.offset],
  );
  const items = rows.map((r) => ({
    externalId: String(r.external_id),
    name: (r.name as string | null) ?? null,
    account: r.account_external_id == null ? null : { externalId: String(r.account_external_id), name: String(r.account_name) },
    rep: r.rep_name == null ? null : String(r.rep_name),
    stage: String(r.stage),
    amount: Number(r.amount),
    winProbability: Number(r.win_probability),
    expectedCloseAt: fromSqlDate(r.expected_close_at),
    slipProbability: numOrNull(r.slip_probability),
    fallback: Boolean(r.fallback),
    modelVersion: numOrNull(r.version),
    topFactor: topFactorOf(r.factors),
    scoredAt: fromSqlDate(r.scored_at)!,
  }));
  return { items, total: Number(n) };
}

// ---------------------------------------------------------------------------------------------
// Customer scores

export interface NewCustomerScore {
  accountId: number;
  churnProbability: number | null;
  churnModelVersionId: number | null;
  pAlive: number | null;
  expectedPurchases: number | null;
  clv: number | null;
  clvModelVersionId: number | null;
  rfmSegment: string | null;
  rfmScore: string | null;
  /** Stored as JSON: factors, notes, expected spend. */
  details: Record<string, unknown>;
  scoredAt: Date;
}

/** Deletes the stored scores of these accounts (all accounts when none are given). Run it inside a transaction. */
export async function deleteCustomerScores(tx: SqlRunner, accountIds?: readonly number[]): Promise<void> {
  if (!accountIds?.length) {
    await tx.run('DELETE FROM customer_score');
    return;
  }
  for (let i = 0; i < accountIds.length; i += IN_CHUNK) {
    const chunk = accountIds.slice(i, i + IN_CHUNK);
    await tx.run(`DELETE FROM customer_score WHERE account_id IN (${placeholders(chunk.length)})`, chunk);
  }
}

const CUSTOMER_SCORE_CHUNK = 200;

/** Inserts customer scores, CUSTOMER_SCORE_CHUNK rows per statement. Run it inside a transaction. */
export async function insertCustomerScores(
  tx: SqlRunner,
  scores: readonly NewCustomerScore[],
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  for (let i = 0; i < scores.length; i += CUSTOMER_SCORE_CHUNK) {
    const chunk = scores.slice(i, i + CUSTOMER_SCORE_CHUNK);
    const params: unknown[] = [];
    for (const s of chunk) {
      params.push(
        s.accountId,
        s.churnProbability,
        s.churnModelVersionId,
        s.pAlive,
        s.expectedPurchases,
        s.clv,
        s.clvModelVersionId,
        s.rfmSegment,
        s.rfmScore,
        s.details,
        s.scoredAt,
      );
    }
    await tx.run(
      `INSERT INTO customer_score (account_id, churn_probability, churn_model_version_id, p_alive, expected_purchases, clv, clv_model_version_id, rfm_segment, rfm_score, factors, scored_at) VALUES ${chunk.map(() => `(${placeholders(11)})`).join(', ')}`,
      params,
    );
    onProgress?.(Math.min(scores.length, i + CUSTOMER_SCORE_CHUNK), scores.length);
  }
}

const CUSTOMER_SORT_COLUMNS = {
  churnProbability: 'cs.churn_probability',
  pAlive: 'cs.p_alive',
  clv: 'cs.clv',
  expectedPurchases: 'cs.expected_purchases',
  externalId: 'a.external_id',
  name: 'a.name',
} as const;
export type CustomerScoreSort = keyof typeof CUSTOMER_SORT_COLUMNS;

export interface LatestCustomerScore {
  externalId: string;
  name: string;
  segment: string | null;
  status: string;
  churnProbability: number | null;
  pAlive: number | null;
  expectedPurchases: number | null;
  clv: number | null;
  rfmSegment: string | null;
  rfmScore: string | null;
  topFactor: StoredFactor | null;
  scoredAt: Date;
}

/** The latest stored score of every account (optionally of an RFM segment or account segment), a page and the total. */
export async function latestCustomerScores(
  q: SqlRunner,
  opts: { rfmSegment?: string; segment?: string; sort: CustomerScoreSort; descending: boolean; limit: number; offset: number },
): Promise<Page<LatestCustomerScore>> {
  const col = sortColumn(CUSTOMER_SORT_COLUMNS, opts.sort);
  const where = ['cs.id = (SELECT MAX(c2.id) FROM customer_score c2 WHERE c2.account_id = cs.account_id)'];
  const args: unknown[] = [];
  if (opts.rfmSegment) {
    where.push('cs.rfm_segment = ?');
    args.push(opts.rfmSegment);
  }
  if (opts.segment) {
    where.push('a.segment = ?');
    args.push(opts.segment);
  }
  const from = `FROM customer_score cs JOIN account a ON a.id = cs.account_id WHERE ${where.join(' AND ')}`;
  const [{ n }] = await q.all<{ n: number }>(`SELECT COUNT(*) AS n ${from}`, args);
  const rows = await q.all<Record<string, unknown>>(
    `SELECT a.external_id, a.name, a.segment, a.status, cs.churn_probability, cs.p_alive, cs.expected_purchases, cs.clv, cs.rfm_segment, cs.rfm_score, cs.factors, cs.scored_at ${from}
     ORDER BY ${sortedBy(col, opts.descending, 'a.id')} LIMIT ? OFFSET ?`,
    [...args, opts.limit, opts.offset],
  );
  const items = rows.map((r) => ({
    externalId: String(r.external_id),
    name: String(r.name),
    segment: (r.segment as string | null) ?? null,
    status: String(r.status),
    churnProbability: numOrNull(r.churn_probability),
    pAlive: numOrNull(r.p_alive),
    expectedPurchases: numOrNull(r.expected_purchases),
    clv: numOrNull(r.clv),
    rfmSegment: (r.rfm_segment as string | null) ?? null,
    rfmScore: (r.rfm_score as string | null) ?? null,
    topFactor: topFactorOf(r.factors),
    scoredAt: fromSqlDate(r.scored_at)!,
  }));
  return { items, total: Number(n) };
}
