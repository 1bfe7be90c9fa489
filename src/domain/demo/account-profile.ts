// Who an account of the demo company is (generate-demo-data.ts): segment, region, country,
// industry, size, owner, and whether a campaign brought it in. Fields a CRM often lacks are left
// out at realistic rates (not provided is not zero).
import { COMPANY_SUFFIX, COUNTRIES, CRM_SYSTEMS, INDUSTRIES, INDUSTRY_WEIGHTS, NAME_PREFIXES, type Channel, type Segment } from './catalog';
import { type AccountDraft, type AccountStory, clamp, type DemoWorld, pad } from './drafts';
import { REGION_MIX } from './sales-team';
import { createRng, seedFromLabels } from '../../math/random';

const SEGMENT_MIX: (readonly [Segment, number])[] = [
  ['SMB', 0.55],
  ['Mid-Market', 0.3],
  ['Enterprise', 0.15],
];
const ORGANIC_SOURCES: (readonly [string, number])[] = [
  ['Outbound', 0.5],
  ['Inbound', 0.25],
  ['Referral', 0.15],
  ['Partner', 0.1],
];
const CHANNEL_SOURCE: Record<Channel, string> = { web: 'Inbound', events: 'Event', partner: 'Partner', email: 'Email' };

const EMPLOYEES: Record<Segment, { median: number; min: number; max: number }> = {
  SMB: { median: 60, min: 5, max: 249 },
  'Mid-Market': { median: 600, min: 250, max: 2499 },
  Enterprise: { median: 6000, min: 2500, max: 150_000 },
};

export interface ProfiledAccount {
  story: AccountStory;
  arrival: number;
  /** The lead source of the first deal. */
  arrivalSource: string;
  /** The campaign that brought the account in, if one did. */
  arrivalCampaign: number | null;
}

/** Account `i`, on its own random stream (which the later steps of its story continue). */
export function profileAccount(world: DemoWorld, i: number): ProfiledAccount {
  const { campaigns, accounts } = world.drafts;
  const r = createRng(seedFromLabels(world.seed, 'account', i), 'mulberry32');
  const arrival = world.arrivals.times[i];
  const segment = r.weighted(SEGMENT_MIX);
  const region = r.weighted(REGION_MIX);
  const country = r.weighted(COUNTRIES[region]);
  const industry = r.weighted(INDUSTRY_WEIGHTS);
  let name = `${r.pick(NAME_PREFIXES)} ${r.pick(INDUSTRIES[industry])} ${COMPANY_SUFFIX[country]}`;
  for (let n = 2; world.usedNames.has(name); n++) name = `${name.replace(/ \(\d+\)$/, '')} (${n})`;
  world.usedNames.add(name);
  const e = EMPLOYEES[segment];
  const employees = Math.round(clamp(r.logNormal(e.median, 0.7), e.min, e.max));
  const size =
    employees < 50 ? '1-49' : employees < 250 ? '50-249' : employees < 1000 ? '250-999' : employees < 5000 ? '1000-4999' : '5000+';
  const annualRevenue = Math.round((employees * r.logNormal(180_000, 0.5)) / 1000) * 1000;
  const risk = r.normal();
  const regionReps = world.repsByRegion.get(region)!;
  const ownerRep = r.pick(regionReps);
  // Campaign-driven or organic, in proportion to the two parts of the arrival intensity.
  const boost = i < world.arrivals.existingCount ? 0 : world.arrivals.campaignBoost(arrival);
  let arrivalSource = r.weighted(ORGANIC_SOURCES);
  let arrivalCampaign: number | null = null;
  if (r.next() < (0.5 * boost) / (0.5 + 0.5 * boost)) {
    const running = world.arrivals.activeAt(arrival);
    arrivalCampaign = r.weighted(running.map((c) => [c, world.arrivals.spendPerDay[c]] as const));
    arrivalSource = CHANNEL_SOURCE[campaigns[arrivalCampaign].channel];
  }
  const attributes: Record<string, string | number | boolean | null> = {};
  if (r.bernoulli(0.88)) attributes.crm_system = r.pick(CRM_SYSTEMS);

  const account: AccountDraft = {
    index: i,
    name,
    segment,
    region,
    ownerRep,
    acquisitionCampaign: null,
    externalId: `ACC-${pad(i + 1, 4)}`,
    record: {
      name,
      segment,
      industry: r.bernoulli(0.97) ? industry : null,
      region,
      country,
      size,
      employees: r.bernoulli(0.95) ? employees : null,
      annualRevenue: r.bernoulli(0.85) ? annualRevenue : null,
      acquiredAt: null,
      acquisitionCampaignId: null,
      acquisitionCost: null,
      status: 'active',
      churnedAt: null,
      attributes,
    },
  };
  accounts.push(account);
  return { story: { world, r, account, segment, risk, ownerRep, regionReps }, arrival, arrivalSource, arrivalCampaign };
}
