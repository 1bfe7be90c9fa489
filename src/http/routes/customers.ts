// Customer scores (src/services/customers): by external id, a batch, inline customers, and the
// stored scores listing for dashboards.
import { listCustomerScoresRoute, scoreCustomerBatchRoute, scoreCustomerRoute, scoreInlineCustomersRoute } from '../../contracts/customers';
import { fromSqlDate } from '../../db/sql';
import { notFound } from '../../errors';
import { scoreCustomers, type ScoreCustomersResult } from '../../services/customers/score-customers';
import type { AppContext } from '../context';
import { pageOf } from '../pagination';

function view(r: ScoreCustomersResult, currency: string) {
  return {
    currency,
    asOf: r.asOf.toISOString(),
    churnModel: r.churnModel ? { version: r.churnModel.version, algorithm: r.churnModel.algorithm } : null,
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

async function accountIds(ctx: AppContext, externalIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < externalIds.length; i += 500) {
    const chunk = externalIds.slice(i, i + 500);
    const rows = await ctx.services.db.sql.all<{ id: number; external_id: string }>(
      `SELECT id, external_id FROM account WHERE external_id IN (${chunk.map(() => '?').join(',')})`,
      chunk,
    );
    for (const r of rows) out.set(r.external_id, Number(r.id));
  }
  return out;
}

const SORT_COLUMNS: Record<string, string> = {
  churnProbability: 'cs.churn_probability',
  pAlive: 'cs.p_alive',
  clv: 'cs.clv',
  expectedPurchases: 'cs.expected_purchases',
  externalId: 'a.external_id',
  name: 'a.name',
};

function topFactor(raw: unknown) {
  try {
    const v = typeof raw === 'string' ? JSON.parse(raw) : raw;
    const list = (v as { factors?: { feature: string; value: unknown; effect: number; text: string }[] } | null)?.factors;
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
    const id = (await accountIds(ctx, [params.id])).get(params.id);
    if (id === undefined) throw notFound(`No customer with external id "${params.id}"`);
    const { scores, ...rest } = view(
      await scoreCustomers(services.db, { accountIds: [id], asOf: asOfOf(query.asOf), ...models() }),
      currency,
    );
    if (!scores.length) throw notFound(`No customer with external id "${params.id}"`);
    return { ...rest, score: scores[0] };
  });

  mount(scoreCustomerBatchRoute, async ({ body }) => {
    const unique = [...new Set(body.ids)];
    const ids = await accountIds(ctx, unique);
    const missing = unique.filter((x) => !ids.has(x));
    if (!ids.size) {
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
    return {
      ...view(await scoreCustomers(services.db, { accountIds: [...ids.values()], asOf: asOfOf(body.asOf), ...models() }), currency),
      missing,
    };
  });

  mount(listCustomerScoresRoute, async ({ query }) => {
    const desc = query.sort.startsWith('-');
    const col = SORT_COLUMNS[query.sort.replace(/^-/, '')];
    const where = ['cs.id = (SELECT MAX(c2.id) FROM customer_score c2 WHERE c2.account_id = cs.account_id)'];
    const args: unknown[] = [];
    if (query.rfmSegment) {
      where.push('cs.rfm_segment = ?');
      args.push(query.rfmSegment);
    }
    if (query.segment) {
      where.push('a.segment = ?');
      args.push(query.segment);
    }
    const from = `FROM customer_score cs JOIN account a ON a.id = cs.account_id WHERE ${where.join(' AND ')}`;
    const [{ n }] = await services.db.sql.all<{ n: number }>(`SELECT COUNT(*) AS n ${from}`, args);
    const rows = await services.db.sql.all<Record<string, unknown>>(
      `SELECT a.external_id, a.name, a.segment, a.status, cs.churn_probability, cs.p_alive, cs.expected_purchases, cs.clv, cs.rfm_segment, cs.rfm_score, cs.factors, cs.scored_at ${from}
       ORDER BY CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END, ${col} ${desc ? 'DESC' : 'ASC'}, a.id LIMIT ? OFFSET ?`,
      [...args, query.limit, query.offset],
    );
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    const items = rows.map((r) => ({
      externalId: String(r.external_id),
      name: String(r.name),
      segment: (r.segment as string | null) ?? null,
      status: String(r.status),
      churnProbability: num(r.churn_probability),
      pAlive: num(r.p_alive),
      expectedPurchases: num(r.expected_purchases),
      clv: r.clv === null || r.clv === undefined ? null : { amount: Number(r.clv), currency },
      rfmSegment: (r.rfm_segment as string | null) ?? null,
      rfmScore: (r.rfm_score as string | null) ?? null,
      topFactor: topFactor(r.factors),
      scoredAt: fromSqlDate(r.scored_at)!.toISOString(),
    }));
    return pageOf(items, Number(n), query.limit, query.offset);
  });
}
