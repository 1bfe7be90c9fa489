// The demo company: a seeded synthetic B2B software vendor with a sales team, a product line,
// marketing campaigns, prospects becoming customers, repeat purchases, support load and churn.
// Pure: options in, canonical records (src/domain/records.ts) out, identical for the same seed and
// as-of date, so loading it twice changes nothing. docs/demo.md describes the planted signals.
//
// How the story unfolds, per account (each on its own random stream; one file per step):
//   arrival (seasonal, mildly growing, some brought by campaigns) → new-business deals until one is
//   won or the prospect gives up → as a customer: an initial order, recurring purchases (a Poisson
//   process per customer, as BG/NBD assumes), expansion deals, account activities, onboarding and
//   monthly support costs → possibly churn, preceded by a distress ramp (customer-health.ts).
// Everything is simulated to its natural end and then cut at the as-of date: events after it are
// dropped, deals still running are open, and customers whose churn lies ahead are active (but may
// already show the decline).
//
// The steps, one file each: sales-team.ts, marketing.ts (campaigns), arrivals.ts, then per account
// account-profile.ts → new-business.ts (deals: demo-deal.ts) → customer-life.ts; assemble.ts turns
// the drafts (drafts.ts) into the dataset (demo-dataset.ts).
import { AppError, type ErrorDetail } from '../../errors';
import { DEMO_DEFAULTS } from './defaults';
import type { EntityKind } from '../records';
import { createRng, seedFromLabels } from '../../math/random';
import { profileAccount } from './account-profile';
import { planArrivals } from './arrivals';
import { assemble } from './assemble';
import { addMonths, startOfDay } from './calendar';
import { PRODUCTS } from './catalog';
import { liveAsCustomer } from './customer-life';
import { type DemoWorld, round2 } from './drafts';
import { planCampaigns } from './marketing';
import { pursueNewBusiness } from './new-business';
import { hireSalesTeam } from './sales-team';
import type { DemoDataset, DemoOptions, DemoRecords } from './demo-dataset';

export { demoDatasetKey, type DemoDataset, type DemoOptions, type DemoRecords, type DemoTruth } from './demo-dataset';
export { DEMO_DEFAULTS };
// Beyond ~10,000 accounts the dataset (≈1.2M records) no longer fits the "demo" purpose; benchmarks
// generate their own data.
export const DEMO_LIMITS = { accounts: { min: 1, max: 10_000 }, months: { min: 1, max: 120 } } as const;

export function validateDemoOptions(opts: DemoOptions): Required<DemoOptions> {
  const seed = opts.seed ?? DEMO_DEFAULTS.seed;
  const accounts = opts.accounts ?? DEMO_DEFAULTS.accounts;
  const months = opts.months ?? DEMO_DEFAULTS.months;
  const details: ErrorDetail[] = [];
  if (!Number.isSafeInteger(seed)) details.push({ path: ['seed'], value: seed, problem: 'must be an integer' });
  if (!Number.isInteger(accounts) || accounts < DEMO_LIMITS.accounts.min || accounts > DEMO_LIMITS.accounts.max)
    details.push({
      path: ['accounts'],
      value: accounts,
      problem: `must be an integer from ${DEMO_LIMITS.accounts.min} to ${DEMO_LIMITS.accounts.max}`,
    });
  if (!Number.isInteger(months) || months < DEMO_LIMITS.months.min || months > DEMO_LIMITS.months.max)
    details.push({
      path: ['months'],
      value: months,
      problem: `must be an integer from ${DEMO_LIMITS.months.min} to ${DEMO_LIMITS.months.max}`,
    });
  if (!(opts.asOf instanceof Date) || Number.isNaN(opts.asOf.getTime()))
    details.push({ path: ['asOf'], value: String(opts.asOf), problem: 'must be a valid date' });
  if (details.length) throw new AppError('INVALID_INPUT', 'Invalid demo data options', details);
  return { seed, accounts, months, asOf: new Date(startOfDay(opts.asOf.getTime())) };
}

export function generateDemoData(options: DemoOptions): DemoDataset {
  const opts = validateDemoOptions(options);
  const asOf = opts.asOf.getTime();
  const from = addMonths(asOf, -opts.months);
  // The company-wide stream: the sales team, the campaigns and the arrivals, in this order. Each
  // account then runs on a stream of its own.
  const rng = createRng(seedFromLabels(opts.seed, 'demo'), 'mulberry32');
  const { reps, repsByRegion } = hireSalesTeam(rng, opts.accounts, from);
  // Acquisition campaigns each quarter, emails to customers, partner programmes (marketing.ts).
  const campaigns = planCampaigns(rng, from, asOf, opts.accounts / DEMO_DEFAULTS.accounts);
  const arrivals = planArrivals(rng, opts.accounts, from, asOf, campaigns);
  const world: DemoWorld = {
    seed: opts.seed,
    from,
    asOf,
    repsByRegion,
    arrivals,
    productIndex: new Map(PRODUCTS.map((p, i) => [p.key, i])),
    usedNames: new Set<string>(),
    drafts: {
      reps,
      campaigns,
      accounts: [],
      deals: [],
      activities: [],
      orders: [],
      serviceCosts: [],
      futureChurn: [],
      campaignTargets: [],
    },
  };
  for (let i = 0; i < opts.accounts; i++) {
    const profiled = profileAccount(world, i);
    if (i < arrivals.existingCount) {
      liveAsCustomer(profiled.story, profiled.arrival, null, profiled.arrivalCampaign);
      continue;
    }
    const firstWin = pursueNewBusiness(profiled);
    if (firstWin) liveAsCustomer(profiled.story, startOfDay(firstWin.sim.closedAt), firstWin, profiled.arrivalCampaign);
  }
  addDeliveryCosts(world);
  return assemble(opts, from, world.drafts);
}

/** Hardware ships: a delivery cost per order of gateways. */
function addDeliveryCosts(world: DemoWorld): void {
  const gateway = world.productIndex.get('gateway')!;
  for (const o of world.drafts.orders) {
    if (o.product !== gateway || o.at >= world.asOf) continue;
    const revenue = o.quantity * PRODUCTS[gateway].listPrice * (1 - o.discount);
    world.drafts.serviceCosts.push({ account: o.account, at: o.at, kind: 'delivery', amount: round2(35 + 0.04 * revenue) });
  }
}

/** Number of records per kind, and in all. */
export function demoRecordCount(records: DemoRecords): { perKind: Record<EntityKind, number>; total: number } {
  const perKind = Object.fromEntries(Object.entries(records).map(([k, v]) => [k, v.length])) as Record<EntityKind, number>;
  return { perKind, total: Object.values(perKind).reduce((a, b) => a + b, 0) };
}
