// Scoring deals: one in-memory scorer per process (the active registry version, or the stage
// baseline when no model is active or the active one cannot be loaded — said so in every score),
// batch scoring of every open deal with the scores stored in deal_score in one transaction, and
// inline scoring of deals the database has never seen (no database access per request).
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { insertDealScores } from '../../db/repositories/scores';
import { AppError, notFound } from '../../errors';
import { ActiveModels, type ModelRegistry, type ModelVersionInfo } from '../../ml/registry';
import { openModelRegistry } from '../models/model-registry';
import { dataVersion } from '../data-version';
import { DAY_MS } from '../../math/time';
import { DealHistory } from '../../domain/features/deal-history';
import type { Deal } from '../../domain/deal-timeline/deal';
import { buildBaselineScorer } from './build-win-model';
import { inlineAsOf, inlineDealToInput, type InlineDeal } from './inline-deal';
import { loadClosedDealHistory, loadDeals } from '../deals/load-deals';
import { WIN_MODEL_NAME } from './train-win-model';
import { WinScorer, type DealScoreResult, type WinModelArtifact } from './win-scorer';

/**
 * The deal-win scoring of one process. `refresh()` re-reads the active version (hot reload: the
 * new model is swapped in only once it has loaded) and the closed-deal history; `scorer()` is then
 * synchronous and touches no database.
 */
export class WinScoring {
  readonly registry: ModelRegistry;
  readonly models: ActiveModels<WinScorer>;
  private history: DealHistory | null = null;
  private fallback: WinScorer | null = null;
  private fallbackError: string | null = null;
  private seed: number;
  private closedCount = -1;
  private fallbackFor: string | null = null;
  private trainedCache: { info: ModelVersionInfo; scorer: WinScorer } | null = null;
  private readonly unloadable = new Set<number>();
  /** The data version the history was read at (null: unknown, read again next time). */
  private historyVersion: number | null = null;
  /** What the idle-as-lost history was read for (null: the history is of closed deals only). */
  private idleKey: string | null = null;

  constructor(
    private readonly db: Database,
    options: { modelsDir?: string; seed?: number } = {},
  ) {
    const config = loadConfig();
    this.seed = options.seed ?? config.SALESCAST_SEED;
    this.registry = openModelRegistry(db, options.modelsDir ?? config.SALESCAST_MODELS_DIR);
    this.models = new ActiveModels<WinScorer>(this.registry, {
      [WIN_MODEL_NAME]: (artifact, info) =>
        new WinScorer(artifact as WinModelArtifact, { history: this.history ?? undefined, version: info.version }),
    });
  }

  /**
   * Reloads history and the active model; returns what happened to the model. The server calls
   * this every MODEL_REFRESH_SECONDS: the closed-deal history (every closed deal, read and indexed
   * on the event loop: ~35 ms of CPU on the demo) is reloaded only when the data version says a
   * process changed the data since.
   */
  async refresh() {
    const version = await dataVersion(this.db);
    const unchanged = version !== null && version === this.historyVersion && this.history !== null;
    const closed = unchanged ? null : await loadClosedDealHistory(this.db);
    const historyChanged = closed !== null && closed.length !== this.closedCount;
    let fresh = closed !== null;
    if (closed) {
      this.closedCount = closed.length;
      this.history = new DealHistory(closed);
      this.historyVersion = version;
    }
    const loadedBefore = this.models.get(WIN_MODEL_NAME);
    const results = await this.models.refresh();
    const now = this.models.get(WIN_MODEL_NAME);
    // A model trained with --lost-after-days reads win rates that counted idle open deals as lost:
    // serve it the history built the same way (the closed deals alone hold only the wins of such a
    // funnel). That history also moves with the calendar (deals go idle), so it is read again daily.
    const lostAfterDays = now?.model.artifact.lostAfterDays;
    const idleKey = lostAfterDays ? `${version}|${lostAfterDays}|${Math.floor(Date.now() / DAY_MS)}` : null;
    if (idleKey !== this.idleKey || (lostAfterDays && (fresh || version === null))) {
      this.history = new DealHistory(await loadClosedDealHistory(this.db, undefined, lostAfterDays ? { lostAfterDays } : undefined));
      this.idleKey = idleKey;
      fresh = true;
    }
    // A model that did not change gets the fresh history; a new one reading idle deals as lost, its own.
    if (now && (fresh || (now !== loadedBefore && lostAfterDays)))
      (now as { model: WinScorer }).model = now.model.withHistory(this.history!);
    if (!now) await this.refreshFallback(historyChanged);
    return results[0];
  }

  /**
   * With no active model, the baseline served is the one trained with the newest version that
   * loads (a candidate the promotion rule refused): same training window, same labelling options
   * (--lost-after-days), and the metrics its training run reported. With no version at all it is
   * built from the closed deals (which then need both outcomes).
   */
  private async refreshFallback(historyChanged: boolean) {
    const failure = this.models.errors[WIN_MODEL_NAME];
    const trained = await this.newestLoadableVersion();
    const key = `${failure?.version ?? '-'}|${trained?.info.id ?? '-'}`;
    if (!historyChanged && this.fallback && this.fallbackFor === key) return;
    this.fallbackFor = key;
    const unloadable = failure ? `the active deal-win model v${failure.version} could not be loaded (${failure.error})` : null;
    try {
      if (trained) {
        this.fallback = trained.scorer.baselineScorer(fallbackReason(trained.info, unloadable), this.history ?? undefined);
      } else {
        const reason = `${unloadable ?? 'no deal-win model has been trained'}; scored by the historical win rate of the stage`;
        this.fallback = buildBaselineScorer(await loadDeals(this.db, { asOf: new Date() }), new Date(), this.seed, reason);
      }
      this.fallbackError = null;
    } catch (e) {
      this.fallback = null;
      this.fallbackError = e instanceof Error ? e.message : String(e);
    }
  }

  private async newestLoadableVersion(): Promise<{ info: ModelVersionInfo; scorer: WinScorer } | null> {
    for (const info of await this.registry.list(WIN_MODEL_NAME)) {
      if (this.trainedCache?.info.id === info.id) return this.trainedCache;
      if (this.unloadable.has(info.id)) continue;
      try {
        this.trainedCache = {
          info,
          scorer: new WinScorer((await this.registry.readArtifact(info)) as WinModelArtifact, { version: info.version }),
        };
        return this.trainedCache;
      } catch {
        this.unloadable.add(info.id);
      }
    }
    return null;
  }

  /** The scorer to use now: the active model, else the stage baseline. */
  scorer(): WinScorer {
    const active = this.models.get(WIN_MODEL_NAME);
    if (active) return active.model;
    if (this.fallback) return this.fallback;
    throw new AppError('UNPROCESSABLE', this.fallbackError ?? 'deal scoring is not ready: call refresh() first');
  }

  /**
   * Scores deals passed inline (e.g. by a CRM frontend); no database access. Each deal is scored as
   * of its own `asOf` when it carries one (a deal as it stood at a past moment), else `asOf`.
   */
  scoreInline(deals: InlineDeal[], asOf: Date = new Date(), options: { explain?: boolean } = {}): DealScoreResult[] {
    const s = this.scorer();
    return deals.map((d, i) => s.score(inlineDealToInput(d, i), inlineAsOf(d, i) ?? asOf.getTime(), options));
  }
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : 'n/a');

/** Why a score is a fallback when a trained version exists but is not active. */
function fallbackReason(info: ModelVersionInfo, unloadable: string | null): string {
  const m = (info.metrics ?? {}) as { test?: { auc?: number; logLoss?: number }; baseline?: { auc?: number; logLoss?: number } };
  const why = info.status === 'candidate' ? `was not promoted (${info.notes ?? 'see "salescast models show win"'})` : `is ${info.status}`;
  return (
    `${unloadable ?? 'no deal-win model is active'}; win v${info.version} ${why}. ` +
    `Scored by the stage baseline trained with v${info.version} (test AUC ${num(m.baseline?.auc)}, log loss ${num(m.baseline?.logLoss)}; ` +
    `the refused model: AUC ${num(m.test?.auc)}, log loss ${num(m.test?.logLoss)})`
  );
}

export interface ScoreDealsOptions {
  opportunityIds?: number[];
  inline?: InlineDeal[];
  asOf?: Date;
  scoring?: WinScoring;
  modelsDir?: string;
  /** Ids not loaded (unknown, or created after asOf): an error (default), or left out of the result. */
  missing?: 'throw' | 'skip';
  /** false: leave out the factors (default true). */
  explain?: boolean;
}

/** Scores stored deals by id (or every open deal) and/or inline deals; stores nothing. */
export async function scoreDeals(db: Database, options: ScoreDealsOptions = {}): Promise<DealScoreResult[]> {
  const scoring = options.scoring ?? new WinScoring(db, { modelsDir: options.modelsDir });
  if (!options.scoring) await scoring.refresh();
  const asOf = options.asOf ?? new Date();
  const out: DealScoreResult[] = [];
  if (options.opportunityIds || !options.inline) {
    const deals = await loadDeals(db, { opportunityIds: options.opportunityIds, asOf: options.asOf, openOnly: !options.opportunityIds });
    if (options.opportunityIds) {
      const found = new Set(deals.map((d) => d.id));
      const missing = options.opportunityIds.filter((id) => !found.has(id));
      if (missing.length && options.missing !== 'skip')
        throw notFound(
          `no opportunity with id ${missing.join(', ')}${options.asOf ? ` as of ${options.asOf.toISOString()} (created later or unknown)` : ''}`,
        );
    }
    const s = scoring.scorer();
    for (const d of deals) out.push(s.score(d, asOf.getTime(), { explain: options.explain }));
  }
  if (options.inline) out.push(...scoring.scoreInline(options.inline, asOf, { explain: options.explain }));
  return out;
}

export interface ScoreOpenDealsResult {
  scored: number;
  modelVersion: number | null;
  algorithm: string;
  fallback: boolean;
  fallbackReason?: string;
  scoredAt: Date;
  scores: DealScoreResult[];
}

/** Scores every open deal and stores the scores (one transaction: readers see all or none). */
export async function scoreOpenDeals(
  db: Database,
  options: { asOf?: Date; modelsDir?: string; scoring?: WinScoring; onProgress?: (done: number, total: number) => void } = {},
): Promise<ScoreOpenDealsResult> {
  const scoring = options.scoring ?? new WinScoring(db, { modelsDir: options.modelsDir });
  if (!options.scoring) await scoring.refresh();
  const scorer = scoring.scorer();
  const asOf = options.asOf ?? new Date();
  const deals: Deal[] = await loadDeals(db, { openOnly: true, asOf: options.asOf });
  const modelVersionId = scorer.version == null ? null : (await scoring.registry.get(WIN_MODEL_NAME, scorer.version)).id;
  const scores = deals.map((d, i) => {
    if (i % 500 === 0) options.onProgress?.(i, deals.length);
    return scorer.score(d, asOf.getTime());
  });
  options.onProgress?.(deals.length, deals.length);
  await db.sql.transaction((tx) =>
    insertDealScores(
      tx,
      scores.map((s) => ({
        opportunityId: s.opportunityId!,
        modelVersionId,
        winProbability: s.winProbability,
        expectedCloseAt: s.expectedCloseAt,
        slipProbability: s.slipProbability,
        fallback: s.fallback,
        details: {
          factors: s.factors,
          closeDistribution: s.closeDistribution,
          algorithm: s.algorithm,
          ...(s.fallbackReason ? { fallbackReason: s.fallbackReason } : {}),
        },
        scoredAt: asOf,
      })),
    ),
  );
  return {
    scored: scores.length,
    modelVersion: scorer.version,
    algorithm: scorer.algorithm,
    fallback: scorer.isFallback,
    ...(scorer.fallbackReason && scorer.isFallback ? { fallbackReason: scorer.fallbackReason } : {}),
    scoredAt: asOf,
    scores,
  };
}
