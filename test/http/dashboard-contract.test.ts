// The dashboard is typed from the OpenAPI document, which is generated from the route contracts;
// nothing checks at run time that a handler's answer has the documented shape. This test does, for
// every route the dashboard reads, on the demo company with trained models: each answer parses
// with its route's zod response schema, so a field a service renames or drops fails here (and the
// dashboard's type check fails when a contract changes). It also pins the figures the dashboard
// shows side by side to one definition each (the three "open pipeline" figures).
import type { z } from 'zod';
import { changesRoute, forecastRoute, backtestRoute, runRateRoute, whatIfRoute } from '../../src/contracts/forecasts';
import { listScoresRoute, scoreOneRoute } from '../../src/contracts/deals';
import { listCustomerScoresRoute, scoreCustomerRoute } from '../../src/contracts/customers';
import { listModelsRoute } from '../../src/contracts/models';
import { clientProfitabilityRoute, cohortsRoute, funnelRoute, paretoRoute, profitabilityRoute } from '../../src/contracts/reports';
import type { RouteDef } from '../../src/contracts/route';
import type { ServerHandle } from '../../src/http/server';
import { demoCompany, type DemoCompany } from '../helpers/demo-server';

let demo: DemoCompany;
let server: ServerHandle;

beforeAll(async () => {
  demo = await demoCompany({ trained: true });
  server = await demo.serve();
});
afterAll(async () => {
  await server?.close();
  await demo?.cleanup();
});

/** Calls a route and parses its answer with the route's own response schema. */
async function call<R extends RouteDef>(route: R, path: string, body?: unknown): Promise<z.output<R['response']>> {
  const res = await fetch(`${server.url}${path}`, {
    method: route.method.toUpperCase(),
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  expect({ path, status: res.status }).toEqual({ path, status: route.status ?? 200 });
  const parsed = route.response.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`${route.method.toUpperCase()} ${path} does not answer its documented shape:\n${issues.join('\n')}`);
  }
  return parsed.data as z.output<R['response']>;
}

const today = new Date().toISOString().slice(0, 10);
const quarterOf = (d: Date) => `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;

describe('the routes the dashboard reads answer their documented shapes (demo company, trained models)', () => {
  test('forecasts: the quarter, its backtest, the run-rate, pipeline changes and what-if', async () => {
    const fc = await call(forecastRoute, `/v1/forecasts?period=${quarterOf(new Date())}&by=rep,team,region,product,segment&asOf=${today}`);
    expect(fc.breakdown.rep?.length).toBeGreaterThan(0);
    await call(backtestRoute, '/v1/forecasts/backtest?period=quarter');
    await call(runRateRoute, `/v1/forecasts/run-rate?horizon=12&asOf=${today}`);
    await call(changesRoute, '/v1/forecasts/changes');
    const deals = await call(listScoresRoute, '/v1/deals/scores?sort=-amount&limit=5');
    const whatIf = await call(whatIfRoute, '/v1/deals/what-if', {
      changes: [{ id: deals.items[0].externalId, drop: true }],
      period: quarterOf(new Date()),
      sims: 500,
    });
    expect(whatIf.deals[0].after).toBeNull();
  });

  test('deals: the stored scores name the account and the rep, and carry the top reason', async () => {
    const deals = await call(listScoresRoute, '/v1/deals/scores?sort=-amount&limit=50');
    expect(deals.items.length).toBeGreaterThan(0);
    for (const d of deals.items) {
      // The demo records an account and a rep on every deal.
      expect(d.account).toEqual({ externalId: expect.stringMatching(/^ACC-/), name: expect.any(String) });
      expect(d.rep).toEqual(expect.any(String));
      expect(d.topFactor?.text).toEqual(expect.any(String));
    }
    const one = await call(scoreOneRoute, `/v1/deals/${encodeURIComponent(deals.items[0].externalId)}/score?asOf=${today}`);
    expect(one.score.factors.length).toBeGreaterThan(0);
  });

  test('customers, clients and models', async () => {
    const customers = await call(listCustomerScoresRoute, '/v1/customers/scores?sort=-churnProbability&limit=20');
    const id = customers.items[0].externalId;
    await call(scoreCustomerRoute, `/v1/customers/${encodeURIComponent(id)}/score?asOf=${today}`);
    await call(clientProfitabilityRoute, `/v1/clients/${encodeURIComponent(id)}/profitability`);
    const models = await call(listModelsRoute, '/v1/models?status=active&limit=50');
    expect(models.items.map((m) => m.name).sort()).toEqual(['churn', 'clv', 'win']);
    const win = models.items.find((m) => m.name === 'win')!;
    expect(win.metrics?.test?.reliability.length).toBeGreaterThan(1);
    expect(models.items.find((m) => m.name === 'clv')!.metrics?.bgNbd?.customers).toBeGreaterThan(0);
  });

  test('reports: funnel, Pareto, profitability, cohorts', async () => {
    const funnel = await call(
      funnelRoute,
      `/v1/reports/funnel?basis=closed&from=2020-01-01&to=${today}&by=rep,source,segment,product,region`,
    );
    expect(funnel.breakdowns.map((b) => b.by)).toEqual(['rep', 'source', 'segment', 'product', 'region']);
    await call(paretoRoute, `/v1/reports/pareto?points=20&limit=8&to=${today}`);
    await call(profitabilityRoute, `/v1/reports/profitability?sort=-netProfit&limit=8&to=${today}`);
    const cohorts = await call(cohortsRoute, `/v1/reports/cohorts?kind=clients&by=quarter&period=quarter&periods=8&to=${today}`);
    expect(cohorts.cohorts?.length).toBeGreaterThan(0);
  });
});

describe('the three open-pipeline figures follow one definition each', () => {
  test("the forecast's open-deal amounts are the deal listing's and the waterfall's, on the same deals", async () => {
    // Without asOf: the same moment's deals as the stored scores and the latest snapshot (no data changed since).
    const fc = await call(forecastRoute, `/v1/forecasts?period=${quarterOf(new Date())}&by=rep`);
    const listing = await call(listScoresRoute, '/v1/deals/scores?limit=500');
    const changes = await call(changesRoute, '/v1/forecasts/changes');
    // All open deals, any close date: the listing's count and total.
    expect(fc.openPipeline.deals).toBe(listing.page.total);
    expect(fc.openPipeline.amount).toBeCloseTo(
      listing.items.reduce((s, d) => s + d.amount.amount, 0),
      2,
    );
    // Due to close in the quarter, unweighted: what the waterfall measures at the later snapshot.
    expect(changes.window.start).toBe(fc.period.start);
    expect(fc.openPipeline.amountInPeriod).toBeCloseTo(changes.end, 2);
    // Weighted by win and timing probability: below the unweighted amount due in the quarter.
    expect(fc.openPipeline.expected).toBeLessThan(fc.openPipeline.amount);
  });

  test('a forecast as of a day gives the same figures on every call', async () => {
    const path = `/v1/forecasts?period=${quarterOf(new Date())}&by=rep&asOf=${today}`;
    const a = await call(forecastRoute, path);
    const b = await call(forecastRoute, path);
    expect(b.total).toEqual(a.total);
    expect(b.openPipeline).toEqual(a.openPipeline);
    expect(b.asOf).toBe(`${today}T00:00:00.000Z`);
  });
});
