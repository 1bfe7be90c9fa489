// The fixed cast of the demo company: teams, reps, products, industries, regions, name parts.
// Hidden traits (a rep's skill, optimism) drive the simulation and are reported only in the
// dataset's `truth`, never in the records, so models have to learn them from outcomes.

export const SEGMENTS = ['SMB', 'Mid-Market', 'Enterprise'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const REGIONS = ['North America', 'EMEA', 'APAC'] as const;
export type Region = (typeof REGIONS)[number];

export const TEAMS: Record<Region, { team: string; manager: string }> = {
  'North America': { team: 'NA Sales', manager: 'Dana Whitfield' },
  EMEA: { team: 'EMEA Sales', manager: 'Lars Becker' },
  APAC: { team: 'APAC Sales', manager: 'Mei Tanaka' },
};

export interface RepProfile {
  name: string;
  region: Region;
  /** Added to every deal's win log-odds at each stage. */
  skill: number;
  /** Factor on the typical cycle when the rep sets a close date (below 1 = optimistic dates that slip). */
  optimism: number;
  /** Probability of calling a Proposal-stage deal "commit" (sandbagger vs happy ears). */
  callBoldness: number;
}

export const BASE_REPS: RepProfile[] = [
  { name: 'Alex Morgan', region: 'North America', skill: 0.45, optimism: 1.1, callBoldness: 0.1 },
  { name: 'Jordan Reyes', region: 'North America', skill: 0.0, optimism: 0.8, callBoldness: 0.35 },
  { name: 'Sam Patel', region: 'North America', skill: -0.4, optimism: 1.15, callBoldness: 0.05 },
  { name: 'Chloé Martin', region: 'EMEA', skill: 0.25, optimism: 1.05, callBoldness: 0.15 },
  { name: 'Tomasz Nowak', region: 'EMEA', skill: -0.2, optimism: 0.85, callBoldness: 0.25 },
  { name: 'Priya Nair', region: 'APAC', skill: 0.1, optimism: 1.0, callBoldness: 0.1 },
];

export const EXTRA_REP_FIRST = [
  'Casey',
  'Robin',
  'Taylor',
  'Morgan',
  'Jamie',
  'Avery',
  'Riley',
  'Quinn',
  'Drew',
  'Emery',
  'Harper',
  'Rowan',
];
export const EXTRA_REP_LAST = [
  'Okafor',
  'Lindqvist',
  'Moreau',
  'Kowalski',
  'Haddad',
  'Suzuki',
  'Fischer',
  'Silva',
  'Novak',
  'Brennan',
  'Ito',
  'Costa',
];

export type ProductKey = 'core' | 'analytics' | 'connector' | 'implementation' | 'gateway' | 'credits';

export interface ProductProfile {
  key: ProductKey;
  name: string;
  family: string;
  listPrice: number;
  unitCost: number;
}

// Margins differ on purpose (software ~85-90%, services and hardware ~30%) so that profitability
// by client depends on what they buy, not only on how much.
export const PRODUCTS: ProductProfile[] = [
  { key: 'core', name: 'Salescast Core (annual, 10 seats)', family: 'Software', listPrice: 12000, unitCost: 1800 },
  { key: 'analytics', name: 'Analytics Add-on', family: 'Software', listPrice: 6000, unitCost: 600 },
  { key: 'connector', name: 'Data Connector Pack', family: 'Software', listPrice: 2500, unitCost: 750 },
  { key: 'implementation', name: 'Implementation Services (block)', family: 'Services', listPrice: 15000, unitCost: 10500 },
  { key: 'gateway', name: 'IoT Gateway', family: 'Hardware', listPrice: 1800, unitCost: 1260 },
  { key: 'credits', name: 'Usage Credits (pack of 100)', family: 'Consumables', listPrice: 100, unitCost: 40 },
];

export const NEW_BUSINESS_MIX: (readonly [ProductKey, number])[] = [
  ['core', 0.55],
  ['analytics', 0.1],
  ['implementation', 0.15],
  ['gateway', 0.1],
  ['connector', 0.1],
];
export const EXPANSION_MIX: (readonly [ProductKey, number])[] = [
  ['core', 0.25],
  ['analytics', 0.25],
  ['connector', 0.2],
  ['implementation', 0.1],
  ['gateway', 0.2],
];

export const INDUSTRIES: Record<string, string[]> = {
  Software: ['Software', 'Labs', 'Systems', 'Digital'],
  Manufacturing: ['Manufacturing', 'Industries', 'Components', 'Works'],
  Retail: ['Retail', 'Outfitters', 'Markets', 'Goods'],
  Healthcare: ['Health', 'Medical', 'Clinics', 'Care'],
  'Financial Services': ['Capital', 'Financial', 'Partners', 'Advisors'],
  Logistics: ['Logistics', 'Freight', 'Shipping', 'Transport'],
  Education: ['Learning', 'Academy', 'Education', 'Institute'],
};
export const INDUSTRY_WEIGHTS: (readonly [string, number])[] = [
  ['Software', 0.22],
  ['Manufacturing', 0.18],
  ['Retail', 0.14],
  ['Healthcare', 0.13],
  ['Financial Services', 0.13],
  ['Logistics', 0.12],
  ['Education', 0.08],
];

export const NAME_PREFIXES = [
  'Northwind',
  'Blue Harbor',
  'Summit',
  'Ironwood',
  'Brightline',
  'Cedar',
  'Quantum',
  'Silverline',
  'Redstone',
  'Evergreen',
  'Atlas',
  'Pioneer',
  'Horizon',
  'Keystone',
  'Lumen',
  'Meridian',
  'Nimbus',
  'Orchid',
  'Pinnacle',
  'Riverbend',
  'Sterling',
  'Tidewater',
  'Vertex',
  'Willow',
  'Zenith',
  'Granite',
  'Falcon',
  'Crescent',
  'Aurora',
  'Beacon',
  'Cobalt',
  'Delta',
  'Ember',
  'Fjord',
  'Glacier',
  'Highland',
  'Juniper',
  'Kestrel',
  'Larkspur',
  'Maple',
];

export const COUNTRIES: Record<Region, (readonly [string, number])[]> = {
  'North America': [
    ['United States', 0.82],
    ['Canada', 0.18],
  ],
  EMEA: [
    ['United Kingdom', 0.3],
    ['Germany', 0.25],
    ['France', 0.15],
    ['Netherlands', 0.1],
    ['Spain', 0.1],
    ['Sweden', 0.1],
  ],
  APAC: [
    ['Australia', 0.35],
    ['Japan', 0.25],
    ['Singapore', 0.2],
    ['India', 0.2],
  ],
};

export const COMPANY_SUFFIX: Record<string, string> = {
  'United States': 'Inc.',
  Canada: 'Inc.',
  'United Kingdom': 'Ltd',
  Germany: 'GmbH',
  France: 'SA',
  Netherlands: 'B.V.',
  Spain: 'S.L.',
  Sweden: 'AB',
  Australia: 'Pty Ltd',
  Japan: 'K.K.',
  Singapore: 'Pte Ltd',
  India: 'Pvt Ltd',
};

export const CRM_SYSTEMS = ['Salesforce', 'HubSpot', 'Pipedrive', 'Dynamics 365', 'Zoho'] as const;
export const COMPETITORS = ['Forecastly', 'PipeSense', 'DealDesk'] as const;

export const CAMPAIGN_CHANNELS = ['web', 'events', 'partner', 'email'] as const;
export type Channel = (typeof CAMPAIGN_CHANNELS)[number];
