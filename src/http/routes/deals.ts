// Deal scores. Inline deals are scored by the in-memory scorer with no database access; stored
// deals are named by external id (src/services/win/stored-deal-scores.ts).
import { listScoresRoute, scoreBatchRoute, scoreInlineRoute, scoreOneRoute } from '../../contracts/deals';
import { formatIsoDate } from '../../contracts/iso-date';
import { AppError, invalidInput } from '../../errors';
import type { WinScoring } from '../../services/win/score-deals';
import { listDealScores, scoreStoredDeal, scoreStoredDeals, type DealScoreSort } from '../../services/win/stored-deal-scores';
import type { DealScoreResult } from '../../services/win/win-scorer';
import type { AppContext } from '../context';
import { readDatabase } from '../read-db';
import { pageOf } from '../pagination';

/** An instant as the API writes it (what toISOString writes: formatIsoDate, test/contracts/iso-date.test.ts). */
const isoOf = (d: Date) => formatIsoDate(d.getTime());
const iso = (d: Date | null | undefined) => (d ? isoOf(d) : null);

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
    scoredAt: scoredAtIso ?? isoOf(s.scoredAt),
  };
  if (s.fallbackReason) view.fallbackReason = s.fallbackReason;
  return view;
}

const asDate = (v: string | undefined) => (v ? new Date(v) : new Date());

/**
 * Batches above these sizes are scored in the worker pool: 5,000 inline deals took ~50 ms of CPU
 * on the demo, 1,000 stored deals (loaded with their history) ~80 ms. Smaller ones are answered on
 * the event loop, where a single inline score takes a few tens of microseconds.
 */
export const POOLED_INLINE_DEALS = 500;
export const POOLED_STORED_DEALS = 100;

export function dealRoutes(ctx: AppContext) {
  const { mount, services, heavy } = ctx;
  const currency = services.config.CURRENCY;
  const win = (): WinScoring => {
    if (!services.win) throw new AppError('UNPROCESSABLE', 'Deal scoring is not available in this server');
    return services.win;
  };

  mount(scoreInlineRoute, ({ body, res }) => {
    if (body.currency && body.currency !== currency) {
      throw invalidInput(`Amounts must be in ${currency}, the server currency`, [
        { path: ['currency'], value: body.currency, problem: `must be ${currency} (no conversion is done)` },
      ]);
    }
    const asOf = asDate(body.asOf);
    const at = isoOf(asOf); // every inline score is as of this instant
    const answer = (scores: DealScoreResult[]) => ({
      currency,
      asOf: at,
      scores: scores.map((s) => scoreView(s, s.scoredAt.getTime() === asOf.getTime() ? at : undefined)),
    });
    if (body.deals.length > POOLED_INLINE_DEALS) {
      win(); // a server without deal scoring says so before queueing
      return heavy.run('scoreDeals', { inline: body.deals, asOf, explain: body.explain }, res).then(answer);
    }
    // Each deal may carry its own asOf (a deal as it stood then); the rest are scored as of `asOf`.
    return answer(win().scoreInline(body.deals, asOf, { explain: body.explain }));
  });

  mount(scoreOneRoute, async ({ params, query }) => {
    const asOf = asDate(query.asOf);
    const { score, amount, stage } = await scoreStoredDeal(services.db, win(), params.id, asOf);
    return { currency, asOf: isoOf(asOf), score: scoreView(score), amount, stage };
  });

  mount(scoreBatchRoute, async ({ body, res }) => {
    const asOf = asDate(body.asOf);
    const scoring = win();
    const { scores, missing } =
      new Set(body.ids).size > POOLED_STORED_DEALS
        ? await heavy.run('scoreStoredDeals', { externalIds: body.ids, asOf }, res)
        : await scoreStoredDeals(services.db, scoring, body.ids, asOf);
    return { currency, asOf: isoOf(asOf), scores: scores.map((s) => scoreView(s)), missing };
  });

  mount(listScoresRoute, async ({ query, res }) => {
    const page = await listDealScores(readDatabase(services, res), {
      stage: query.stage,
      sort: query.sort.replace(/^-/, '') as DealScoreSort,
      descending: query.sort.startsWith('-'),
      limit: query.limit,
      offset: query.offset,
    });
    const items = page.items.map((r) => ({
      externalId: r.externalId,
      name: r.name,
      account: r.account,
      rep: r.rep,
      stage: r.stage,
      amount: { amount: r.amount, currency },
      winProbability: r.winProbability,
      expectedCloseAt: iso(r.expectedCloseAt),
      slipProbability: r.slipProbability,
      fallback: r.fallback,
      modelVersion: r.modelVersion,
      topFactor: r.topFactor,
      scoredAt: isoOf(r.scoredAt),
    }));
    return pageOf(items, page.total, query.limit, query.offset);
  });
}
