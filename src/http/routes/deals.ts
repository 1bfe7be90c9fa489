// Deal scores. Inline deals are scored by the in-memory scorer with no database access; stored
// deals are named by external id and loaded in one query per request (not per deal).
import { listScoresRoute, scoreBatchRoute, scoreInlineRoute, scoreOneRoute } from '../../contracts/deals';
import { fromSqlDate } from '../../db/sql';
import { AppError, invalidInput, notFound } from '../../errors';
import { scoreDeals, type WinScoring } from '../../services/win/score-deals';
import { inlineDealToInput } from '../../services/win/inline-deal';
import type { DealScoreResult } from '../../services/win/win-scorer';
import type { AppContext } from '../context';
import { pageOf } from '../pagination';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** A score as the API shows it; `scoredAtIso` saves formatting the same instant once per deal. */
export function scoreView(s: DealScoreResult, scoredAtIso?: string) {
  const view: {
    externalId: string | null;
    winProbability: number;
    expectedCloseAt: string | null;
    slipProbability: number | null;
    closeDistribution: DealScoreResult['closeDistribution'];
    factors: DealScoreResult['factors'];
    modelVersion: number | null;
    algorithm: string;
    fallback: boolean;
    fallbackReason?: string;
    timingBasis: string;
    scoredAt: string;
  } = {
    externalId: s.externalId ?? null,
    winProbability: s.winProbability,
    expectedCloseAt: iso(s.expectedCloseAt),
    slipProbability: s.slipProbability,
    closeDistribution: s.closeDistribution,
    factors: s.factors,
    modelVersion: s.modelVersion,
    algorithm: s.algorithm,
    fallback: s.fallback,
    timingBasis: s.timingBasis,
    scoredAt: scoredAtIso ?? s.scoredAt.toISOString(),
  };
  if (s.fallbackReason) view.fallbackReason = s.fallbackReason;
  return view;
}

const asDate = (v: string | undefined) => (v ? new Date(v) : new Date());

/** External ids → internal ids, in one query. */
export async function internalIds(ctx: AppContext, externalIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < externalIds.length; i += 500) {
    const chunk = externalIds.slice(i, i + 500);
    const rows = await ctx.services.db.sql.all<{ id: number; external_id: string }>(
      `SELECT id, external_id FROM opportunity WHERE external_id IN (${chunk.map(() => '?').join(',')})`,
      chunk,
    );
    for (const r of rows) out.set(r.external_id, Number(r.id));
  }
  return out;
}

/** The strongest factor of a stored score (factors are stored as { factors: [...] } or a bare list). */
function topFactor(raw: unknown) {
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

const SORT_COLUMNS: Record<string, string> = {
  winProbability: 's.win_probability',
  amount: 'o.amount',
  expectedCloseAt: 's.expected_close_at',
  scoredAt: 's.scored_at',
  externalId: 'o.external_id',
};

export function dealRoutes(ctx: AppContext) {
  const { mount, services } = ctx;
  const currency = services.config.CURRENCY;
  const win = (): WinScoring => {
    if (!services.win) throw new AppError('UNPROCESSABLE', 'Deal scoring is not available in this server');
    return services.win;
  };

  mount(scoreInlineRoute, ({ body }) => {
    if (body.currency && body.currency !== currency) {
      throw invalidInput(`Amounts must be in ${currency}, the server currency`, [
        { path: ['currency'], value: body.currency, problem: `must be ${currency} (no conversion is done)` },
      ]);
    }
    const asOf = asDate(body.asOf);
    const scores = body.explain
      ? win().scoreInline(body.deals, asOf)
      : (() => {
          const scorer = win().scorer();
          return body.deals.map((d, i) => scorer.score(inlineDealToInput(d, i), asOf.getTime(), { explain: false }));
        })();
    const at = asOf.toISOString(); // every inline score is as of this instant
    return { currency, asOf: at, scores: scores.map((s) => scoreView(s, s.scoredAt.getTime() === asOf.getTime() ? at : undefined)) };
  });

  mount(scoreOneRoute, async ({ params, query }) => {
    const ids = await internalIds(ctx, [params.id]);
    const id = ids.get(params.id);
    if (id === undefined) throw notFound(`No deal with external id "${params.id}"`);
    const asOf = asDate(query.asOf);
    const [score] = await scoreDeals(services.db, { opportunityIds: [id], scoring: win(), asOf });
    const [row] = await services.db.sql.all<{ amount: number; stage: string }>('SELECT amount, stage FROM opportunity WHERE id = ?', [id]);
    return {
      currency,
      asOf: asOf.toISOString(),
      score: scoreView({ ...score, externalId: params.id }),
      amount: Number(row.amount),
      stage: row.stage,
    };
  });

  mount(scoreBatchRoute, async ({ body }) => {
    const unique = [...new Set(body.ids)];
    const ids = await internalIds(ctx, unique);
    const missing = unique.filter((x) => !ids.has(x));
    const asOf = asDate(body.asOf);
    const found = [...ids.values()];
    const scores = found.length ? await scoreDeals(services.db, { opportunityIds: found, scoring: win(), asOf }) : [];
    const byExternal = new Map([...ids.entries()].map(([ext, id]) => [id, ext]));
    return {
      currency,
      asOf: asOf.toISOString(),
      scores: scores.map((s) => scoreView({ ...s, externalId: s.externalId ?? byExternal.get(s.opportunityId!) ?? null })),
      missing,
    };
  });

  mount(listScoresRoute, async ({ query }) => {
    const desc = query.sort.startsWith('-');
    const col = SORT_COLUMNS[query.sort.replace(/^-/, '')];
    const where = ["o.outcome = 'open'", 's.id = (SELECT MAX(s2.id) FROM deal_score s2 WHERE s2.opportunity_id = s.opportunity_id)'];
    const args: unknown[] = [];
    if (query.stage) {
      where.push('o.stage = ?');
      args.push(query.stage);
    }
    const from = `FROM deal_score s JOIN opportunity o ON o.id = s.opportunity_id LEFT JOIN model_version mv ON mv.id = s.model_version_id
      LEFT JOIN account a ON a.id = o.account_id LEFT JOIN rep r ON r.id = o.rep_id WHERE ${where.join(' AND ')}`;
    const [{ n }] = await services.db.sql.all<{ n: number }>(`SELECT COUNT(*) AS n ${from}`, args);
    const rows = await services.db.sql.all<Record<string, unknown>>(
      `SELECT o.external_id, o.name, a.external_id AS account_external_id, a.name AS account_name, r.name AS rep_name, o.stage, o.amount, s.win_probability, s.expected_close_at, s.slip_probability, s.fallback, s.factors, mv.version, s.scored_at ${from}
       ORDER BY CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END, ${col} ${desc ? 'DESC' : 'ASC'}, o.id LIMIT ? OFFSET ?`,
      [...args, query.limit, query.offset],
    );
    const items = rows.map((r) => ({
      externalId: String(r.external_id),
      name: (r.name as string | null) ?? null,
      account: r.account_external_id == null ? null : { externalId: String(r.account_external_id), name: String(r.account_name) },
      rep: r.rep_name == null ? null : String(r.rep_name),
      stage: String(r.stage),
      amount: { amount: Number(r.amount), currency },
      winProbability: Number(r.win_probability),
      expectedCloseAt: iso(fromSqlDate(r.expected_close_at)),
      slipProbability: r.slip_probability === null ? null : Number(r.slip_probability),
      fallback: Boolean(r.fallback),
      modelVersion: r.version === null || r.version === undefined ? null : Number(r.version),
      topFactor: topFactor(r.factors),
      scoredAt: fromSqlDate(r.scored_at)!.toISOString(),
    }));
    return pageOf(items, Number(n), query.limit, query.offset);
  });
}
