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

export function customerRoutes(ctx: AppContext) {
  const { mount, services } = ctx;
  const currency = services.config.CURRENCY;
  const modelsDir = () => services.registry?.modelsDir ?? services.win?.registry.modelsDir ?? services.config.SALESCAST_MODELS_DIR;
  // With a process-wide CustomerScoring the models come from memory; otherwise each call loads them.
  const models = () => (services.customers ? { scoring: services.customers } : { modelsDir: modelsDir() });
  const asOfOf = (v: string | undefined) => (v ? new Date(v) : undefined);

  mount(scoreInlineCustomersRoute, async ({ body }) =>
    view(await scoreCustomers(services.db, { inline: body.customers, asOf: asOfOf(body.asOf), ...models() }), currency),
  );

  mount(scoreCustomerRoute, async ({ params, query }) => {
    const { score, ...rest } = await scoreStoredCustomer(services.db, params.id, { asOf: asOfOf(query.asOf), ...models() });
    const { scores, ...shown } = view({ ...rest, scores: [score] }, currency);
    return { ...shown, score: scores[0] };
  });

  mount(scoreCustomerBatchRoute, async ({ body }) => {
    const { result, missing } = await scoreStoredCustomers(services.db, body.ids, { asOf: asOfOf(body.asOf), ...models() });
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

  mount(listCustomerScoresRoute, async ({ query }) => {
    const page = await listCustomerScores(services.db, {
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
