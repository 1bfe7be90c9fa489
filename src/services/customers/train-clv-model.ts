// Training the `clv` model: per-customer repeat-buying summaries up to the calibration end (SQL),
// BG/NBD and Gamma-Gamma fitted by maximum likelihood, a holdout check when orders exist after the
// calibration end (predicted vs actual repeat purchases per customer), and an immutable registry
// version that `models show clv` displays with its parameters and log-likelihood.
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { unprocessable, invalidInput } from '../../errors';
import { BgNbdModel } from '../../ml/bg-nbd';
import { GammaGammaModel } from '../../ml/gamma-gamma';
import { openModelRegistry } from '../models/model-registry';
import { UNIT_DAYS, dayAfter, dayNumber, type TimeUnit } from '../../domain/features/customer-summary';
import { DAY_MS } from '../../math/time';
import { DEFAULT_CLV_OPTIONS } from '../../domain/clv';
import { loadCustomerSummaries, loadPurchaseDays, orderSpan } from './customer-summaries';
import { CLV_ARTIFACT_FORMAT, CLV_ARTIFACT_KIND, CLV_MODEL_NAME, ClvScorer, type ClvModelArtifact } from './clv-scorer';

export interface TrainClvOptions {
  /** Ignore orders on or after this instant (default: none). */
  asOf?: Date;
  /**
   * Last day of the calibration period (inclusive, UTC day; T is measured to it, as lifetimes'
   * observation_period_end); default: the last day with data. Orders after it are the holdout.
   */
  calibrationEnd?: Date;
  timeUnit?: TimeUnit;
  horizonMonths?: number;
  annualDiscountRate?: number;
  /** Gross margin fraction; default from the orders' cost of goods, or 1 when none is recorded. */
  margin?: number;
  promote?: 'auto' | 'never' | 'always';
  /** Fewest customers with orders before the calibration end (default 20). */
  minCustomers?: number;
  modelsDir?: string;
  persist?: boolean;
  onProgress?: (stage: string) => void;
}

export interface ClvHoldout {
  from: string;
  to: string;
  lengthInUnits: number;
  customers: number;
  actualRepeatPurchases: number;
  predictedRepeatPurchases: number;
  /** Mean absolute error per customer, and the same for a naive "same rate as in calibration" forecast. */
  mae: number;
  naiveMae: number;
  correlation: number | null;
}

export interface TrainClvResult {
  version: number | null;
  promoted: boolean;
  decision: string;
  timeUnit: TimeUnit;
  calibrationEnd: Date;
  customers: number;
  repeatCustomers: number;
  bgNbd: ReturnType<BgNbdModel['toArtifact']>;
  gammaGamma: ReturnType<GammaGammaModel['toArtifact']> | null;
  gammaGammaSkipped?: string;
  margin: number;
  marginSource: string;
  holdout: ClvHoldout | null;
  durationSeconds: number;
  artifact: ClvModelArtifact;
}

function pearson(a: number[], b: number[]): number | null {
  const n = a.length;
  if (n < 2) return null;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

type Summaries = Awaited<ReturnType<typeof loadCustomerSummaries>>;

/** Gamma-Gamma spend model, or why there is none (a fit that fails, or q <= 1: no finite mean spend). */
function fitGammaGamma(summaries: Summaries): { gg: GammaGammaModel | null; ggSkipped: string | undefined } {
  let gg: GammaGammaModel | null = null;
  let ggSkipped: string | undefined;
  try {
    gg = new GammaGammaModel().fit({
      frequency: summaries.map((s) => s.frequency),
      monetaryValue: summaries.map((s) => Math.max(0, s.monetaryValue)),
    });
    if (!(gg.params.q > 1)) {
      ggSkipped = `Gamma-Gamma fitted q = ${gg.params.q.toFixed(3)} <= 1: the mean spend is not finite under the model, so no CLV is given`;
      gg = null;
    }
  } catch (e) {
    ggSkipped = e instanceof Error ? e.message : String(e);
  }
  return { gg, ggSkipped };
}

/** Margin: given, else from the orders' cost of goods where recorded, else 1 (CLV in revenue). */
function clvMargin(summaries: Summaries, given: number | undefined): { margin: number; marginSource: string } {
  let margin = given ?? 1;
  let marginSource = given !== undefined ? 'given' : 'no cost of goods recorded: CLV is in revenue';
  if (given === undefined) {
    const rev = summaries.reduce((s, v) => s + v.totalRevenue, 0);
    const cogs = summaries.reduce((s, v) => s + v.totalCostOfGoods, 0);
    if (cogs > 0 && rev > 0) {
      margin = (rev - cogs) / rev;
      marginSource = 'gross margin of the calibration orders';
    }
  }
  return { margin, marginSource };
}

/** The BG/NBD's repeat purchases against what happened after the calibration end (null without a holdout). */
async function clvHoldout(
  db: Database,
  bg: BgNbdModel,
  summaries: Summaries,
  w: { holdoutFrom: Date; dataEnd: Date; timeUnit: TimeUnit; onProgress?: TrainClvOptions['onProgress'] },
): Promise<ClvHoldout | null> {
  const { holdoutFrom, dataEnd, timeUnit } = w;
  let holdout: ClvHoldout | null = null;
  if (dataEnd.getTime() > holdoutFrom.getTime()) {
    w.onProgress?.('holdout');
    const actual = await loadPurchaseDays(db, holdoutFrom, dataEnd);
    const t = (dataEnd.getTime() - holdoutFrom.getTime()) / DAY_MS / UNIT_DAYS[timeUnit];
    const predicted: number[] = [];
    const observed: number[] = [];
    let naiveErr = 0;
    for (const s of summaries) {
      predicted.push(bg.conditionalExpectedPurchases(t, s.frequency, s.recency, s.T));
      observed.push(actual.get(s.accountId) ?? 0);
      naiveErr += Math.abs((s.T > 0 ? s.frequency / s.T : 0) * t - (actual.get(s.accountId) ?? 0));
    }
    const err = predicted.reduce((sum, p, i) => sum + Math.abs(p - observed[i]), 0);
    holdout = {
      from: holdoutFrom.toISOString(),
      to: dataEnd.toISOString(),
      lengthInUnits: t,
      customers: summaries.length,
      actualRepeatPurchases: observed.reduce((s, v) => s + v, 0),
      predictedRepeatPurchases: predicted.reduce((s, v) => s + v, 0),
      mae: err / summaries.length,
      naiveMae: naiveErr / summaries.length,
      correlation: pearson(predicted, observed),
    };
  }
  return holdout;
}

/** The unit, the orders' span and the windows: calibration up to calibrationEnd, holdout from the day after to dataEnd. */
async function clvDataWindow(db: Database, options: TrainClvOptions) {
  const timeUnit = options.timeUnit ?? 'week';
  if (!(timeUnit in UNIT_DAYS)) throw invalidInput(`time unit must be day, week or month (got ${timeUnit})`);
  const span = await orderSpan(db);
  if (!span)
    throw unprocessable('cannot train the clv model: there are no orders (import transactions first: salescast import orders <file>)');
  // dataEnd: exclusive end of the data used (asOf, or the day after the last order).
  const dataEnd = options.asOf && options.asOf.getTime() <= span.last.getTime() ? options.asOf : dayAfter(span.last);
  const lastDataDay = new Date(dayNumber(new Date(dataEnd.getTime() - 1)) * DAY_MS);
  const calibrationEnd = new Date(dayNumber(options.calibrationEnd ?? lastDataDay) * DAY_MS);
  if (calibrationEnd.getTime() > lastDataDay.getTime())
    throw invalidInput(
      `the calibration end (${calibrationEnd.toISOString().slice(0, 10)}) is after the data used (up to ${lastDataDay.toISOString().slice(0, 10)})`,
    );
  const holdoutFrom = dayAfter(calibrationEnd);
  return { timeUnit, span, dataEnd, calibrationEnd, holdoutFrom };
}

type ActiveVersion = Awaited<ReturnType<ReturnType<typeof openModelRegistry>['active']>>;

/** Whether the new clv version replaces the active one, and why (the decision printed and recorded). */
function clvPromotion(
  promote: NonNullable<TrainClvOptions['promote']>,
  converged: boolean,
  active: ActiveVersion,
  holdout: ClvHoldout | null,
): { ok: boolean; decision: string } {
  let ok = false;
  let decision: string;
  if (promote === 'always') {
    ok = true;
    decision = 'promoted (--promote always)';
  } else if (promote === 'never') {
    decision = 'kept as candidate (--promote never)';
  } else if (!converged) {
    decision = 'kept as candidate: the BG/NBD fit did not converge';
  } else if (!active) {
    ok = true;
    decision = 'promoted: no clv model was active';
  } else {
    const activeHoldout = (active.metrics as { holdout?: ClvHoldout | null } | null)?.holdout;
    if (holdout && activeHoldout && activeHoldout.to === holdout.to && holdout.mae > activeHoldout.mae * 1.001) {
      decision = `kept as candidate: holdout error per customer ${holdout.mae.toFixed(4)} is worse than active v${active.version}'s ${activeHoldout.mae.toFixed(4)} on the same window`;
    } else {
      ok = true;
      decision =
        holdout && activeHoldout && activeHoldout.to === holdout.to
          ? `promoted: holdout error per customer ${holdout.mae.toFixed(4)} vs active v${active.version}'s ${activeHoldout.mae.toFixed(4)}`
          : `promoted: fitted on newer data than active v${active.version} (no common holdout window to compare)`;
    }
  }
  return { ok, decision };
}

/** Stores the fitted version with its metrics and the parameters shown by `models show`. */
function registerClvVersion(
  registry: ReturnType<typeof openModelRegistry>,
  f: {
    bg: BgNbdModel;
    gg: GammaGammaModel | null;
    ggSkipped: string | undefined;
    customers: number;
    timeUnit: TimeUnit;
    calibrationEnd: Date;
    holdout: ClvHoldout | null;
    clvSettings: ClvModelArtifact['clv'];
    artifact: ClvModelArtifact;
    dataFrom: Date;
    dataTo: Date;
  },
) {
  const { bg, gg, ggSkipped, timeUnit, calibrationEnd, holdout, clvSettings, artifact } = f;
  const metrics = {
    bgNbd: { ...bg.params, logLikelihood: bg.logLikelihood, customers: f.customers, converged: bg.toArtifact().converged },
    gammaGamma: gg
      ? {
          ...gg.params,
          logLikelihood: gg.logLikelihood,
          customers: gg.toArtifact().customers,
          frequencySpendCorrelation: gg.toArtifact().frequencySpendCorrelation,
          populationMeanSpend: gg.populationMeanSpend(),
        }
      : { skipped: ggSkipped },
    timeUnit,
    calibrationEnd: calibrationEnd.toISOString(),
    holdout,
    clv: clvSettings,
  };
  return registry.register(CLV_MODEL_NAME, {
    algorithm: gg ? 'bg-nbd+gamma-gamma' : 'bg-nbd',
    artifact,
    metrics,
    featureSchema: { signature: `clv-summary-v1:${timeUnit}`, inputs: ['frequency', 'recency', 'T', 'monetaryValue'], timeUnit },
    dataFrom: f.dataFrom,
    dataTo: f.dataTo,
    notes: `BG/NBD r=${bg.params.r.toPrecision(4)} alpha=${bg.params.alpha.toPrecision(4)} a=${bg.params.a.toPrecision(4)} b=${bg.params.b.toPrecision(4)} LL=${bg.logLikelihood.toFixed(1)}`,
    meta: {
      timeUnit,
      params: {
        bgNbd: bg.params,
        bgNbdLogLikelihood: bg.logLikelihood,
        gammaGamma: gg ? gg.params : null,
        gammaGammaLogLikelihood: gg ? gg.logLikelihood : null,
      },
      libraries: { node: process.version },
    },
  });
}

/** The number of repeat customers; refuses (422) too few customers or none that bought twice. */
function checkEnoughCustomers(summaries: Summaries, minCustomers: number, calibrationEnd: Date): number {
  const repeat = summaries.filter((s) => s.frequency > 0).length;
  if (summaries.length < minCustomers || repeat === 0)
    throw unprocessable(
      `cannot train the clv model: ${summaries.length} customers with orders up to ${calibrationEnd.toISOString().slice(0, 10)} (need ${minCustomers}), ${repeat} with a repeat purchase (need 1)`,
      [
        { problem: `customers with orders: ${summaries.length}`, value: summaries.length },
        { problem: `customers with a repeat purchase: ${repeat}`, value: repeat },
      ],
    );
  return repeat;
}

function fitBgNbd(summaries: Summaries): BgNbdModel {
  return new BgNbdModel().fit({
    frequency: summaries.map((s) => s.frequency),
    recency: summaries.map((s) => s.recency),
    T: summaries.map((s) => s.T),
  });
}

/** The CLV horizon, discount rate and margin stored with the version; the horizon is checked. */
function clvSettingsOf(options: TrainClvOptions, margin: number, marginSource: string): ClvModelArtifact['clv'] {
  const clvSettings = {
    horizonMonths: options.horizonMonths ?? DEFAULT_CLV_OPTIONS.horizonMonths,
    annualDiscountRate: options.annualDiscountRate ?? DEFAULT_CLV_OPTIONS.annualDiscountRate,
    margin,
    marginSource,
  };
  if (!Number.isInteger(clvSettings.horizonMonths) || clvSettings.horizonMonths < 1)
    throw invalidInput('the horizon must be a whole number of months >= 1');
  return clvSettings;
}

export async function trainClvModel(db: Database, options: TrainClvOptions = {}): Promise<TrainClvResult> {
  const started = Date.now();
  const { timeUnit, span, dataEnd, calibrationEnd, holdoutFrom } = await clvDataWindow(db, options);
  options.onProgress?.('summaries');
  const summaries = await loadCustomerSummaries(db, { calibrationEnd, timeUnit, before: dataEnd });
  const repeat = checkEnoughCustomers(summaries, options.minCustomers ?? 20, calibrationEnd);

  options.onProgress?.('bg-nbd');
  const bg = fitBgNbd(summaries);
  options.onProgress?.('gamma-gamma');
  const { gg, ggSkipped } = fitGammaGamma(summaries);

  const { margin, marginSource } = clvMargin(summaries, options.margin);

  const holdout = await clvHoldout(db, bg, summaries, { holdoutFrom, dataEnd, timeUnit, onProgress: options.onProgress });

  const clvSettings = clvSettingsOf(options, margin, marginSource);
  const artifact: ClvModelArtifact = {
    kind: CLV_ARTIFACT_KIND,
    formatVersion: CLV_ARTIFACT_FORMAT,
    timeUnit,
    calibrationEnd: calibrationEnd.toISOString(),
    bgNbd: bg.toArtifact(),
    gammaGamma: gg ? gg.toArtifact() : null,
    clv: clvSettings,
  };
  const result: TrainClvResult = {
    version: null,
    promoted: false,
    decision: 'not persisted',
    timeUnit,
    calibrationEnd,
    customers: summaries.length,
    repeatCustomers: repeat,
    bgNbd: bg.toArtifact(),
    gammaGamma: gg ? gg.toArtifact() : null,
    ...(ggSkipped ? { gammaGammaSkipped: ggSkipped } : {}),
    margin,
    marginSource,
    holdout,
    durationSeconds: 0,
    artifact,
  };
  if (options.persist === false) {
    result.durationSeconds = (Date.now() - started) / 1000;
    return result;
  }

  const config = loadConfig();
  const registry = openModelRegistry(db, options.modelsDir ?? config.SALESCAST_MODELS_DIR);
  const info = await registerClvVersion(registry, {
    bg,
    gg,
    ggSkipped,
    customers: summaries.length,
    timeUnit,
    calibrationEnd,
    holdout,
    clvSettings,
    artifact,
    dataFrom: span.first,
    dataTo: holdoutFrom,
  });
  result.version = info.version;

  const active = await registry.active(CLV_MODEL_NAME);
  const { ok, decision } = clvPromotion(options.promote ?? 'auto', bg.toArtifact().converged, active, holdout);
  result.decision = decision;
  if (ok) {
    await registry.promote(CLV_MODEL_NAME, info.version, (a) => new ClvScorer(a as ClvModelArtifact));
    result.promoted = true;
  }
  result.durationSeconds = (Date.now() - started) / 1000;
  return result;
}
