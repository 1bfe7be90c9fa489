// Customer scores (src/services/customers): by external id, a batch, inline customers, and the
// stored scores listing for dashboards.
import { listCustomerScoresRoute, scoreCustomerBatchRoute, scoreCustomerRoute, scoreInlineCustomersRoute } from '../../contracts/customers';
import { scoreCustomers, type ScoreCustomersResult } from '../../services/customers/score-customers';
import {
  type CustomerScoreSort,
  listCustomerScores,
  scoreStoredCustomer,
  scoreStoredCustomers,
} from '../../services/customers/stored-customer-scores';
import type { AppContext } from '../context';
import { readDatabase } from '../read-db';
import { pageOf } from '../pagination';

function view(r: ScoreCustomersResult, currency: string) {
  return {
    currency,
    asOf: r.asOf.toISOString(),
    churnModel: r.churnModel
      ? {
          version: r.churnModel.version,
          algorithm: r.churnModel.algorithm,
          windowDays: r.churnModel.windowDays,
          labelMode: r.churnModel.labelMode,
        }
      : null,
    clvModel: r.clvModel
      ? {
          version: r.clvModel.version,
          algorithm: r.clvModel.algorithm,
          timeUnit: r.clvModel.timeUnit,
          horizonMonths: r.clvModel.horizonMonths,
        }
      : null,
    errors: r.errors,
    scores: r.scores.map((s) => ({
      externalId: s.externalId,
      churnProbability: s.churnProbability,
      pAlive: s.pAlive,
      expectedPurchases: s.expectedPurchases,
      expectedSpend: s.expectedSpend,
      clv: s.clv,
      rfm: s.rfm,
      factors: s.factors.map((f) => ({ ...f, value: f.value ?? null })),
      notes: s.notes,
    })),
  };
}

/**
 * Customer batches above this size are scored in the worker pool: 500 stored customers took
 * ~125 ms of CPU on the demo, 1,000 inline ones ~230 ms (each with its order history summarised).
 */
export const POOLED_CUSTOMERS = 100;

export function customerRoutes(ctx: AppContext) {
  const { mount, services, heavy } = ctx;
  const currency = services.config.CURRENCY;
  const modelsDir = () => services.registry?.modelsDir ?? services.win?.registry.modelsDir ?? services.config.SALESCAST_MODELS_DIR;
  // With a process-wide CustomerScoring the models come from memory; otherwise each call loads them.
  const models = () => (services.customers ? { scoring: services.customers } : { modelsDir: modelsDir() });
  const asOfOf = (v: string | undefined) => (v ? new Date(v) : undefined);

  mount(scoreInlineCustomersRoute, async ({ body, res }) => {
    const input = { inline: body.customers, asOf: asOfOf(body.asOf) };
    return view(
      body.customers.length > POOLED_CUSTOMERS
        ? await heavy.run('scoreCustomers', input, res)
        : await scoreCustomers(services.db, { ...input, ...models() }),
      currency,
    );
  });

  mount(scoreCustomerRoute, async ({ params, query }) => {
    const { score, ...rest } = await scoreStoredCustomer(services.db, params.id, { asOf: asOfOf(query.asOf), ...models() });
    const { scores, ...shown } = view({ ...rest, scores: [score] }, currency);
    return { ...shown, score: scores[0] };
  });

  mount(scoreCustomerBatchRoute, async ({ body, res }) => {
    const asOf = asOfOf(body.asOf);
    const { result, missing } =
      new Set(body.ids).size > POOLED_CUSTOMERS
        ? await heavy.run('scoreStoredCustomers', { externalIds: body.ids, asOf }, res)
        : await scoreStoredCustomers(services.db, body.ids, { asOf, ...models() });
    if (!result) {
      return {
        currency,
        asOf: (asOfOf(body.asOf) ?? new Date()).toISOString(),
        churnModel: null,
        clvModel: null,
        errors: [],
        scores: [],
        missing,
      };
    }
    return { ...view(result, currency), missing };
  });

  mount(listCustomerScoresRoute, async ({ query, res }) => {
    const page = await listCustomerScores(readDatabase(services, res), {
      rfmSegment: query.rfmSegment,
      segment: query.segment,
      sort: query.sort.replace(/^-/, '') as CustomerScoreSort,
      descending: query.sort.startsWith('-'),
      limit: query.limit,
      offset: query.offset,
    });
    const items = page.items.map((r) => ({
      externalId: r.externalId,
      name: r.name,
      segment: r.segment,
      status: r.status,
      churnProbability: r.churnProbability,
      pAlive: r.pAlive,
      expectedPurchases: r.expectedPurchases,
      clv: r.clv === null ? null : { amount: r.clv, currency },
      rfmSegment: r.rfmSegment,
      rfmScore: r.rfmScore,
      topFactor: r.topFactor,
      scoredAt: r.scoredAt.toISOString(),
    }));
    return pageOf(items, page.total, query.limit, query.offset);
  });
}
