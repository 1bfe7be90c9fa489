// Scoring customers: churn probability with factors (active `churn` model), P(alive), expected
// purchases and CLV (active `clv` model), and RFM segment, for stored accounts or for customers
// passed inline (no write). `scoreAndStoreCustomers` scores every account and replaces its row in
// customer_score in one transaction, with the model versions used.
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { deleteCustomerScores, insertCustomerScores } from '../../db/repositories/scores';
import { invalidInput } from '../../errors';
import { ActiveModels, type ModelRegistry, type ModelVersionInfo } from '../../ml/registry';
import { openModelRegistry } from '../models/model-registry';
import type { RawValue } from '../../ml/feature-encoder';
import type { AccountProfile } from '../../domain/deal-timeline/deal';
import { customerFeatures, type CustomerHistory } from '../../domain/features/customer-features';
import { summarizeOrders, type CustomerSummary } from '../../domain/features/customer-summary';
import type { CustomerFactor } from '../../domain/features/customer-explanations';
import { scoreRfm, scoreRfmAgainst, type RfmInput, type RfmScore } from '../../domain/rfm';
import { CHURN_MODEL_NAME, ChurnScorer, type ChurnModelArtifact } from './churn-scorer';
import { CLV_MODEL_NAME, ClvScorer, type ClvModelArtifact } from './clv-scorer';
import { loadCustomerSummaries } from './customer-summaries';
import { loadCustomerHistories } from './load-customers';
import { defaultAsOf } from './train-churn-model';
import { DAY_MS } from '../../math/time';

/** A customer the database has never seen, e.g. from a CRM frontend. Dates as ISO strings or Dates. */
export interface InlineCustomer extends AccountProfile {
  externalId?: string;
  acquisitionCost?: number | null;
  acquiredAt?: string | Date | null;
  attributes?: Record<string, RawValue> | null;
  orders?: { orderedAt: string | Date; revenue: number; costOfGoods?: number }[];
  activities?: { occurredAt: string | Date }[];
  serviceCosts?: { incurredAt: string | Date; amount: number }[];
  openDeals?: { createdAt: string | Date; amount: number }[];
}

export interface CustomerScoreResult {
  accountId: number | null;
  externalId: string | null;
  churnProbability: number | null;
  pAlive: number | null;
  expectedPurchases: number | null;
  expectedSpend: number | null;
  clv: number | null;
  rfm: RfmScore | null;
  factors: CustomerFactor[];
  /** Why a figure is missing (no model, no orders, already churned...). */
  notes: string[];
}

export interface ScoreCustomersResult {
  asOf: Date;
  churnModel: { version: number; id: number; algorithm: string; windowDays: number; labelMode: string } | null;
  clvModel: { version: number; id: number; algorithm: string; timeUnit: string; horizonMonths: number } | null;
  /** Models that are active but could not be loaded (the figures they give are left empty). */
  errors: string[];
  scores: CustomerScoreResult[];
}

export interface ScoreCustomersOptions {
  accountIds?: number[];
  inline?: InlineCustomer[];
  asOf?: Date;
  modelsDir?: string;
  /** A process-wide CustomerScoring (refreshed by the caller) to avoid reading artifacts per call. */
  scoring?: CustomerScoring;
}

type LoadedModels = {
  churn: { info: ModelVersionInfo; model: ChurnScorer } | null;
  clv: { info: ModelVersionInfo; model: ClvScorer } | null;
  errors: string[];
};

/**
 * The customer models of one long-running process (the HTTP server): the active `churn` and `clv`
 * versions held in memory through the registry's ActiveModels, so a request reads no artifact.
 * `refresh()` swaps a newly promoted version in only once it has loaded; a version that fails to
 * load is reported in `errors` and the previous one keeps serving.
 */
export class CustomerScoring {
  readonly registry: ModelRegistry;
  private readonly models: ActiveModels<ChurnScorer | ClvScorer>;
  constructor(db: Database, options: { modelsDir?: string } = {}) {
    this.registry = openModelRegistry(db, options.modelsDir ?? loadConfig().SALESCAST_MODELS_DIR);
    this.models = new ActiveModels<ChurnScorer | ClvScorer>(this.registry, {
      [CHURN_MODEL_NAME]: (a) => new ChurnScorer(a as ChurnModelArtifact),
      [CLV_MODEL_NAME]: (a) => new ClvScorer(a as ClvModelArtifact),
    });
  }
  refresh() {
    return this.models.refresh();
  }
  loaded(): LoadedModels {
    const churn = this.models.get(CHURN_MODEL_NAME) as { info: ModelVersionInfo; model: ChurnScorer } | undefined;
    const clv = this.models.get(CLV_MODEL_NAME) as { info: ModelVersionInfo; model: ClvScorer } | undefined;
    const errors = Object.entries(this.models.errors).map(
      ([name, e]) => `active ${name} model v${e.version} could not be loaded: ${e.error}`,
    );
    return { churn: churn ?? null, clv: clv ?? null, errors };
  }
}

async function activeModels(db: Database, modelsDir?: string): Promise<LoadedModels> {
  const scoring = new CustomerScoring(db, { modelsDir });
  await scoring.refresh();
  return scoring.loaded();
}

const toMs = (v: string | Date | null | undefined, path: string): number | null => {
  if (v === null || v === undefined) return null;
  const t = (v instanceof Date ? v : new Date(v)).getTime();
  if (!Number.isFinite(t))
    throw invalidInput(`${path} is not a valid date`, [{ path: path.split('.'), problem: 'must be a valid date', value: String(v) }]);
  return t;
};

/**
 * An inline customer as a history. Omitted is not none: a field or list the caller leaves out stays
 * undefined (not provided: the churn features do not read it as evidence); `[]` or null says "none".
 */
function inlineToHistory(c: InlineCustomer, i: number): CustomerHistory {
  const h: CustomerHistory = { accountId: -1 - i, externalId: c.externalId ?? `inline-${i}`, status: 'active', churnedAt: null };
  for (const k of ['segment', 'industry', 'region', 'country', 'size'] as const) if (c[k] !== undefined) h[k] = c[k];
  for (const k of ['employees', 'annualRevenue', 'acquisitionCost'] as const) if (c[k] !== undefined) h[k] = c[k];
  if (c.acquiredAt !== undefined) h.acquiredAt = toMs(c.acquiredAt, `inline.${i}.acquiredAt`);
  if (c.attributes !== undefined) h.attributes = c.attributes;
  if (c.orders)
    h.orders = c.orders
      .map((o, k) => ({ at: toMs(o.orderedAt, `inline.${i}.orders.${k}.orderedAt`)!, revenue: Number(o.revenue) }))
      .sort((a, b) => a.at - b.at);
  if (c.activities)
    h.activities = c.activities.map((a, k) => toMs(a.occurredAt, `inline.${i}.activities.${k}.occurredAt`)!).sort((a, b) => a - b);
  if (c.serviceCosts)
    h.serviceCosts = c.serviceCosts
      .map((s, k) => ({ at: toMs(s.incurredAt, `inline.${i}.serviceCosts.${k}.incurredAt`)!, amount: Number(s.amount) }))
      .sort((a, b) => a.at - b.at);
  if (c.openDeals)
    h.deals = c.openDeals.map((d, k) => ({
      stage: null,
      createdAt: toMs(d.createdAt, `inline.${i}.openDeals.${k}.createdAt`)!,
      amount: Number(d.amount),
      outcome: 'open' as const,
      closedAt: null,
    }));
  return h;
}

const rfmInput = (s: CustomerSummary, asOf: Date): RfmInput => ({
  recencyDays: (asOf.getTime() - s.lastPurchaseAt.getTime()) / DAY_MS,
  frequency: s.purchaseDays,
  monetary: s.totalRevenue,
});

type ActiveCustomerModels = Awaited<ReturnType<typeof activeModels>>;

/** Scores stored accounts (all, or `accountIds`) or inline customers; writes nothing. */
export async function scoreCustomers(db: Database, options: ScoreCustomersOptions = {}): Promise<ScoreCustomersResult> {
  const asOf = options.asOf ?? (await defaultAsOf(db));
  const models = options.scoring ? options.scoring.loaded() : await activeModels(db, options.modelsDir);
  const { churn, clv, errors } = models;
  const timeUnit = clv?.model.artifact.timeUnit ?? 'week';
  const { histories, summaries, rfm } = await customerInputs(db, options, asOf, timeUnit);
  const scores = histories.map((h, i) => scoreOneCustomer(h, summaries[i], rfm[i], models, asOf));
  return { asOf, ...modelsUsed(churn, clv), errors, scores };
}

/**
 * The customers to score (inline, or the stored ones) with their order summaries and RFM scores.
 * The stored population is the RFM reference in both cases.
 */
async function customerInputs(
  db: Database,
  options: ScoreCustomersOptions,
  asOf: Date,
  timeUnit: NonNullable<ActiveCustomerModels['clv']>['model']['artifact']['timeUnit'],
): Promise<{ histories: CustomerHistory[]; summaries: (CustomerSummary | null)[]; rfm: (RfmScore | null)[] }> {
  // asOf is an exclusive instant: the summaries run to the day of the last instant before it.
  const lastDay = new Date(asOf.getTime() - 1);
  const population = await loadCustomerSummaries(db, { calibrationEnd: lastDay, timeUnit, before: asOf });
  const inline = options.inline;
  let histories: CustomerHistory[];
  let summaries: (CustomerSummary | null)[];
  let rfm: (RfmScore | null)[];
  if (inline) {
    histories = inline.map(inlineToHistory);
    summaries = histories.map((h) =>
      summarizeOrders(
        (h.orders ?? []).map((o) => ({ orderedAt: new Date(o.at), revenue: o.revenue })),
        lastDay,
        timeUnit,
        asOf,
      ),
    );
    const ref = population.map((s) => rfmInput(s, asOf));
    rfm = summaries.map((s) => (s ? scoreRfmAgainst(ref, [rfmInput(s, asOf)])[0] : null));
  } else {
    histories = await loadCustomerHistories(db, { accountIds: options.accountIds, before: asOf });
    const all = scoreRfm(population.map((s) => rfmInput(s, asOf)));
    const byAccount = new Map(population.map((s, i) => [s.accountId, { s, r: all[i] }]));
    summaries = histories.map((h) => byAccount.get(h.accountId)?.s ?? null);
    rfm = histories.map((h) => byAccount.get(h.accountId)?.r ?? null);
  }
  return { histories, summaries, rfm };
}

/** One customer's churn risk, BG/NBD figures and RFM segment, with a note for each figure it lacks. */
function scoreOneCustomer(
  h: CustomerHistory,
  sum: CustomerSummary | null,
  rfmScore: RfmScore | null,
  { churn, clv, errors }: ActiveCustomerModels,
  asOf: Date,
): CustomerScoreResult {
  const notes: string[] = [];
  const out: CustomerScoreResult = {
    accountId: h.accountId > 0 ? h.accountId : null,
    externalId: h.externalId,
    churnProbability: null,
    pAlive: null,
    expectedPurchases: null,
    expectedSpend: null,
    clv: null,
    rfm: rfmScore,
    factors: [],
    notes,
  };
  if (!churn) notes.push(errors.find((e) => e.includes(' churn ')) ?? 'no churn model is active (run: salescast train churn)');
  // Churned as of the scoring moment: a customer who churned later was still a customer then.
  else if (h.status === 'churned' && (h.churnedAt == null || h.churnedAt <= asOf.getTime())) notes.push('already churned');
  else {
    const s = churn.model.score(customerFeatures(h, asOf.getTime()));
    out.churnProbability = s.churnProbability;
    out.factors = s.factors;
  }
  if (!clv) notes.push(errors.find((e) => e.includes(' clv ')) ?? 'no clv model is active (run: salescast train clv)');
  else if (!sum) notes.push('no orders: P(alive), expected purchases and CLV need at least one purchase');
  else {
    // The BG/NBD expectations are numerical (a hypergeometric series that refuses to return a
    // wrong number): one customer whose figures cannot be computed gets a note, not a failed
    // request for everyone.
    let c: ReturnType<typeof clv.model.score> | null = null;
    try {
      c = clv.model.score(sum);
    } catch (e) {
      notes.push(
        `P(alive), expected purchases and CLV could not be computed for this customer (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    if (c) {
      out.pAlive = c.pAlive;
      out.expectedPurchases = c.expectedPurchases;
      out.expectedSpend = c.expectedSpend;
      out.clv = c.clv;
      if (c.clv === null) notes.push('no spend model (Gamma-Gamma) in the clv version: CLV unavailable');
    }
  }
  if (!rfmScore) notes.push('no orders: no RFM segment');
  return out;
}

/** The versions that scored, and what their figures mean. */
function modelsUsed(
  churn: ActiveCustomerModels['churn'],
  clv: ActiveCustomerModels['clv'],
): Pick<ScoreCustomersResult, 'churnModel' | 'clvModel'> {
  return {
    churnModel: churn
      ? {
          version: churn.info.version,
          id: churn.info.id,
          algorithm: churn.info.algorithm,
          // What "churn" means for this model (the drawer says which question each figure answers).
          windowDays: churn.model.artifact.windowDays,
          labelMode: churn.model.artifact.labelMode,
        }
      : null,
    clvModel: clv
      ? {
          version: clv.info.version,
          id: clv.info.id,
          algorithm: clv.info.algorithm,
          timeUnit: clv.model.artifact.timeUnit,
          horizonMonths: clv.model.artifact.clv.horizonMonths,
        }
      : null,
  };
}

export interface StoreCustomerScoresResult extends Omit<ScoreCustomersResult, 'scores'> {
  stored: number;
  withChurn: number;
  withClv: number;
  withRfm: number;
  segments: Record<string, number>;
  scores: CustomerScoreResult[];
}

/**
 * Scores every stored account and replaces its customer_score row, all in one transaction (a reader
 * sees the previous scores or the new ones, never a mix).
 */
export async function scoreAndStoreCustomers(
  db: Database,
  options: Omit<ScoreCustomersOptions, 'inline'> & { onProgress?: (done: number, total: number) => void } = {},
): Promise<StoreCustomerScoresResult> {
  const res = await scoreCustomers(db, options);
  const scoredAt = new Date();
  const rows = res.scores.filter((s) => s.accountId !== null);
  await db.sql.transaction(async (tx) => {
    await deleteCustomerScores(tx, options.accountIds);
    await insertCustomerScores(
      tx,
      rows.map((s) => ({
        accountId: s.accountId!,
        churnProbability: s.churnProbability,
        churnModelVersionId: s.churnProbability !== null ? (res.churnModel?.id ?? null) : null,
        pAlive: s.pAlive,
        expectedPurchases: s.expectedPurchases,
        clv: s.clv,
        clvModelVersionId: s.pAlive !== null ? (res.clvModel?.id ?? null) : null,
        rfmSegment: s.rfm?.segment ?? null,
        rfmScore: s.rfm?.score ?? null,
        details: { factors: s.factors, notes: s.notes, expectedSpend: s.expectedSpend },
        scoredAt,
      })),
      options.onProgress,
    );
  });
  const segments: Record<string, number> = {};
  for (const s of rows) if (s.rfm) segments[s.rfm.segment] = (segments[s.rfm.segment] ?? 0) + 1;
  return {
    ...res,
    stored: rows.length,
    withChurn: rows.filter((s) => s.churnProbability !== null).length,
    withClv: rows.filter((s) => s.clv !== null).length,
    withRfm: rows.filter((s) => s.rfm !== null).length,
    segments,
  };
}
