// Forecast routes (src/services/forecast). Every answer carries the server currency.
import { backtestRoute, forecastRoute, runRateRoute } from '../../contracts/forecasts';
import type { Dimension } from '../../domain/forecast/pipeline-forecast';
import type { AppContext } from '../context';

// Loaded on first use: the forecast service pulls in ml-regression, whose ESM-only dependencies
// Jest cannot load, so every other route's tests would fail to import the app otherwise (and the
// server starts a little faster).
const service = () => import('../../services/forecast/forecast-service');

const date = (v: string | undefined) => (v ? new Date(v) : undefined);

export function forecastRoutes({ mount, services }: AppContext) {
  const currency = services.config.CURRENCY;
  const modelsDir = () => services.registry?.modelsDir ?? services.win?.registry.modelsDir ?? services.config.SALESCAST_MODELS_DIR;

  mount(forecastRoute, async ({ query }) => {
    const report = await (await service()).forecastPipeline(services.db, {
      period: query.period,
      from: date(query.from),
      to: date(query.to),
      asOf: date(query.asOf),
      by: query.by ? (query.by.split(',') as Dimension[]) : undefined,
      sims: query.sims,
      seed: query.seed,
      scorer: query.scorer,
      modelsDir: modelsDir(),
    });
    return { currency, ...report };
  });

  mount(backtestRoute, async ({ query }) => {
    const report = await (await service()).backtestForecasts(services.db, { from: date(query.from), to: date(query.to), period: query.period, sims: query.sims, seed: query.seed, scorer: 'stage-model' });
    return { currency, ...report };
  });

  mount(runRateRoute, async ({ query }) => ({ currency, ...(await (await service()).forecastRunRates(services.db, { horizon: query.horizon, asOf: date(query.asOf), seed: query.seed })) }));
}
