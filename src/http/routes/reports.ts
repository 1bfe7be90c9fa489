// Client economics, concentration, cohorts, comparisons, funnel and campaigns (src/services/analytics).
// Query strings are flat: declared parameters are the report's options, every other parameter is
// a filter `field=value[,value]` handed to the service, which refuses unknown fields by name.
import type { z } from 'zod';
import {
  campaignsRoute,
  clientProfitabilityRoute,
  cohortsRoute,
  compareRoute,
  funnelRoute,
  paretoRoute,
  profitabilityRoute,
  reportFieldsRoute,
} from '../../contracts/reports';
import { campaignEffectRoute } from '../../contracts/report-campaign-effect';
import { growthRoute } from '../../contracts/report-growth';
import { newVsExistingRoute } from '../../contracts/report-new-vs-existing';
import type { RouteDef } from '../../contracts/route';
import {
  type campaignEffectReport,
  campaignsReport,
  cohortsReport,
  describeFields,
  type funnelReport,
  growthReport,
  newVsExistingReport,
} from '../../services/analytics';
import type { AppContext } from '../context';
import { readDatabase } from '../read-db';

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Splits a parsed report query into its declared options and its filters. */
function optionsAndFilters(def: RouteDef, query: Record<string, unknown>) {
  const declared = new Set(Object.keys((def.query as z.ZodObject).shape));
  const options: Record<string, unknown> = {};
  const filters: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (declared.has(k)) options[k] = v;
    else {
      const values = list(String(v));
      filters[k] = values.length === 1 ? values[0] : values;
    }
  }
  return { options, filters };
}

// Profitability (of all clients or one), Pareto, funnel and compare read and aggregate every
// client or deal (50-150 ms of CPU each on the demo): they run in the worker pool (ctx.heavy).
// The others stay on the event loop.
export function reportRoutes({ mount, services, heavy }: AppContext) {
  // Every report only reads: from the read replica when one is configured and usable (the answer
  // says which in X-Read-Source); the heavy ones through the pool, whose threads do the same.

  mount(profitabilityRoute, async ({ query, res }) => {
    const { options, filters } = optionsAndFilters(profitabilityRoute, query);
    const r = await heavy.run('profitability', { ...options, filters }, res);
    const total = r.by ? (r.groups?.length ?? 0) : r.totals.clients;
    const shown = r.by ? 0 : r.rows.length;
    return {
      ...r,
      page: { limit: r.limit, offset: r.offset, total, nextOffset: !r.by && r.offset + shown < total ? r.offset + shown : null },
    };
  });

  mount(clientProfitabilityRoute, ({ params, query, res }) => heavy.run('clientProfitability', { externalId: params.id, ...query }, res));

  mount(paretoRoute, async ({ query, res }) => {
    const { options, filters } = optionsAndFilters(paretoRoute, query);
    return heavy.run('pareto', { ...options, filters }, res);
  });

  mount(cohortsRoute, async ({ query, res }) => {
    const { options, filters } = optionsAndFilters(cohortsRoute, query);
    return cohortsReport(readDatabase(services, res), { ...options, filters } as Parameters<typeof cohortsReport>[1]);
  });

  mount(funnelRoute, async ({ query, res }) => {
    const { options, filters } = optionsAndFilters(funnelRoute, query);
    const by = typeof options.by === 'string' ? list(options.by) : undefined;
    const stages = typeof options.stages === 'string' ? list(options.stages) : undefined;
    return heavy.run('funnel', { ...options, by, stages, filters } as Parameters<typeof funnelReport>[1], res);
  });

  mount(campaignsRoute, async ({ query, res }) => {
    const { options, filters } = optionsAndFilters(campaignsRoute, query);
    return campaignsReport(readDatabase(services, res), { ...options, filters } as Parameters<typeof campaignsReport>[1]);
  });

  // ~120 ms of CPU on 500 accounts (subclassification of every campaign's targets): in the pool.
  mount(campaignEffectRoute, async ({ query, res }) => {
    const { options, filters } = optionsAndFilters(campaignEffectRoute, query);
    return heavy.run('campaignEffect', { ...options, filters } as Parameters<typeof campaignEffectReport>[1], res);
  });

  mount(growthRoute, async ({ query, res }) => {
    const { options, filters } = optionsAndFilters(growthRoute, query);
    return growthReport(readDatabase(services, res), { ...options, filters } as Parameters<typeof growthReport>[1]);
  });

  mount(newVsExistingRoute, async ({ query, res }) => {
    const { options, filters } = optionsAndFilters(newVsExistingRoute, query);
    return newVsExistingReport(readDatabase(services, res), { ...options, filters } as Parameters<typeof newVsExistingReport>[1]);
  });

  mount(compareRoute, async ({ body, res }) => heavy.run('compare', body, res));

  mount(reportFieldsRoute, () => ({ clients: describeFields('clients'), deals: describeFields('deals') }));
}
