// Forecast routes (src/services/forecast). Every answer carries the server currency.
import {
  backtestRoute,
  changesRoute,
  forecastRoute,
  listSnapshotsRoute,
  runRateRoute,
  takeSnapshotRoute,
  whatIfRoute,
} from '../../contracts/forecasts';
import { invalidInput } from '../../errors';
import type { AppContext } from '../context';
import { readDatabase } from '../read-db';

import type { Dimension } from '../../services/forecast/forecast-service';
import * as snapshotService from '../../services/forecast/snapshot-service';
import { dealIdsByExternalId } from '../../services/win/stored-deal-scores';

const date = (v: string | undefined) => (v ? new Date(v) : undefined);

// Forecasts, backtests, what-if and snapshots are CPU-heavy: they run in the worker pool
// (ctx.heavy). Forecasts, backtests and run-rates depend only on the stored data and the request,
// so repeated identical requests are answered from the cache until the data changes.
export function forecastRoutes(ctx: AppContext) {
  forecastRunRoutes(ctx);
  snapshotRoutes(ctx);
  whatIfRoutes(ctx);
}

/** The forecast, its backtest and the run-rate: cached answers computed in the worker pool. */
function forecastRunRoutes(ctx: AppContext) {
  const { mount, services, heavy } = ctx;
  const currency = services.config.CURRENCY;

  mount(forecastRoute, async ({ query, res }) => {
    const input = {
      period: query.period,
      from: date(query.from),
      to: date(query.to),
      asOf: date(query.asOf),
      by: query.by ? (query.by.split(',') as Dimension[]) : undefined,
      sims: query.sims,
      seed: query.seed,
      scorer: query.scorer,
    };
    return heavy.cachedAnswer('forecast', input, res, (report) => ({ currency, ...report }), { asOfNow: !query.asOf });
  });

  mount(backtestRoute, async ({ query, res }) => {
    const input = {
      from: date(query.from),
      to: date(query.to),
      period: query.period,
      sims: query.sims,
      seed: query.seed,
      scorer: 'stage-model' as const,
    };
    // Without `to`, the periods replayed end at the current one: "as of now".
    return heavy.cachedAnswer('backtest', input, res, (report) => ({ currency, ...report }), { asOfNow: !query.to });
  });

  mount(runRateRoute, ({ query, res }) =>
    heavy.cachedAnswer(
      'runRate',
      { horizon: query.horizon, asOf: date(query.asOf), seed: query.seed },
      res,
      (report) => ({ currency, ...report }),
      { asOfNow: !query.asOf },
    ),
  );
}

/** Stored forecast snapshots: take one, list them, and what changed between two. */
function snapshotRoutes(ctx: AppContext) {
  const { mount, services, heavy } = ctx;
  const currency = services.config.CURRENCY;

  mount(takeSnapshotRoute, async ({ body, req, res }) => {
    const r = await heavy.run('snapshot', { period: body.period, asOf: date(body.asOf), sims: body.sims, seed: body.seed }, res);
    const snapshot = await snapshotService.snapshotById(services.db, r.snapshotId);
    req.log.info({ snapshot: r.snapshotId, by: req.identity?.keyName }, 'forecast snapshot taken');
    return { currency, snapshot, rows: r.rows };
  });

  mount(listSnapshotsRoute, async ({ query, res }) => {
    const db = readDatabase(services, res);
    const all = await snapshotService.listForecastSnapshots(db, { limit: query.offset + query.limit + 1 });
    const total = await snapshotService.countForecastSnapshots(db);
    const items = all.slice(query.offset, query.offset + query.limit);
    return {
      currency,
      items,
      page: {
        limit: query.limit,
        offset: query.offset,
        total,
        nextOffset: query.offset + items.length < total ? query.offset + items.length : null,
      },
    };
  });

  mount(changesRoute, async ({ query, res }) => {
    const db = readDatabase(services, res);
    const w = await snapshotService.compareForecastSnapshots(db, { from: query.from, to: query.to });
    // Deals are named by external id (and their CRM name) over HTTP.
    const labels = await snapshotService.dealLabels(
      db,
      w.changes.map((c) => c.opportunityId),
    );
    const ext = (id: number) => labels.get(id)?.externalId ?? null;
    const deal = (d: { opportunityId: number; outcome: string; amount: number; expectedCloseAt: number | null; stage: string } | null) =>
      d
        ? {
            externalId: ext(d.opportunityId),
            outcome: d.outcome,
            amount: d.amount,
            expectedCloseAt: d.expectedCloseAt === null ? null : new Date(d.expectedCloseAt).toISOString(),
            stage: d.stage,
          }
        : null;
    return {
      currency,
      from: w.from,
      to: w.to,
      window: w.window,
      start: w.start,
      end: w.end,
      steps: w.steps,
      changes: w.changes.map((c) => ({
        externalId: ext(c.opportunityId),
        name: labels.get(c.opportunityId)?.name ?? null,
        kind: c.kind,
        delta: c.delta,
        from: deal(c.from),
        to: deal(c.to),
      })),
    };
  });
}

/** What-if: the quarter's forecast with some deals changed, deals named by external id. */
function whatIfRoutes(ctx: AppContext) {
  const { mount, services, heavy } = ctx;
  const currency = services.config.CURRENCY;

  mount(whatIfRoute, async ({ body, res }) => {
    const ids = await dealIdsByExternalId(
      services.db,
      body.changes.map((c) => c.id),
    );
    const missing = body.changes.map((c, i) => ({ c, i })).filter(({ c }) => !ids.has(c.id));
    if (missing.length)
      throw invalidInput(
        'Unknown deal id(s)',
        missing.map(({ c, i }) => ({ path: ['changes', i, 'id'], value: c.id, problem: 'no deal with this external id' })),
      );
    const r = await heavy.run(
      'whatIf',
      {
        changes: body.changes.map((c) => ({
          opportunityId: ids.get(c.id)!,
          stage: c.stage,
          amount: c.amount,
          expectedCloseAt: date(c.expectedCloseAt),
          addActivities: c.addActivities,
          drop: c.drop,
        })),
        period: body.period,
        asOf: date(body.asOf),
        sims: body.sims,
        seed: body.seed,
      },
      res,
    );
    return { currency, ...r, deals: r.deals.map(({ opportunityId: _id, ...d }) => d) };
  });
}
