// What analytics reports may filter and group by: one map from a field name to its SQL expression
// per scope (clients / deals), so filters and group-bys stay consistent. Names outside the map are
// refused with INVALID_INPUT naming the field, and every filter value is a bound parameter: user
// text never reaches SQL text. The one name written into SQL is a custom attribute's (attr.<name>),
// and only after it matched /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.
import { invalidInput } from '../../../errors';
import type { SqlDialect } from '../../sql-dialect';

export interface Period {
  from: Date | null;
  /** Exclusive upper bound. */
  toExclusive: Date | null;
}

/** SQL conditions restricting a date column to the period (bound parameters). */
export function periodWhere(col: string, p: Period, params: unknown[]): string[] {
  const w: string[] = [];
  if (p.from) {
    w.push(`${col} >= ?`);
    params.push(p.from);
  }
  if (p.toExclusive) {
    w.push(`${col} < ?`);
    params.push(p.toExclusive);
  }
  return w;
}

export type Scope = 'clients' | 'deals';

/** Which helper CTEs a query must include for the fields it uses. */
export interface Needs {
  owner: boolean;
  cohort: boolean;
  score: boolean;
  /** acct.since_at: when the account became a client (see CLIENT_SINCE_CTE). */
  since: boolean;
}

interface FieldDef {
  /** Expression for grouping/display; undefined when the field can only filter. */
  group?: (d: SqlDialect) => string;
  /** Condition for `value IN list`; defaults to `group IN (...)`. */
  filter?: (d: SqlDialect, placeholders: string) => string;
  needs?: Partial<Needs>;
  describe: string;
}

const refMatch = (alias: string) => (_d: SqlDialect, ph: string) => `(${alias}.external_id IN (${ph}) OR ${alias}.name IN (${ph}))`;
const cohortFilter = (col: string) => (d: SqlDialect, ph: string) =>
  `(${d.monthKey(col)} IN (${ph}) OR ${d.quarterKey(col)} IN (${ph}) OR substr(${d.monthKey(col)}, 1, 4) IN (${ph}))`;

const ACCOUNT_FIELDS: Record<string, FieldDef> = {
  account: {
    group: () => 'acct.name',
    filter: (_d, ph) => `(acct.external_id IN (${ph}) OR acct.name IN (${ph}))`,
    describe: 'the client itself (external id or name)',
  },
  segment: { group: () => 'acct.segment', describe: 'account segment' },
  industry: { group: () => 'acct.industry', describe: 'account industry' },
  region: { group: () => 'acct.region', describe: 'account region' },
  country: { group: () => 'acct.country', describe: 'account country' },
  size: { group: () => 'acct.size', describe: 'account size band' },
  status: { group: () => 'acct.status', describe: 'active | churned' },
  rep: {
    group: () => 'acct.rep_name',
    filter: (_d, ph) => `(acct.rep_ext IN (${ph}) OR acct.rep_name IN (${ph}))`,
    needs: { owner: true },
    describe: 'owner: the rep with most deals on the account (external id or name)',
  },
  team: { group: () => 'acct.rep_team', needs: { owner: true }, describe: "owner's team" },
  office: { group: () => 'acct.rep_region', needs: { owner: true }, describe: "owner's region (sales office)" },
  cohort: {
    group: (d) => d.monthKey('acct.cohort_at'),
    filter: (d, ph) => cohortFilter('acct.cohort_at')(d, ph),
    needs: { cohort: true },
    describe: 'acquisition month YYYY-MM (filter also takes YYYY-Qn or YYYY)',
  },
  cohort_quarter: { group: (d) => d.quarterKey('acct.cohort_at'), needs: { cohort: true }, describe: 'acquisition quarter YYYY-Qn' },
  rfm: { group: () => 'acct.rfm_segment', needs: { score: true }, describe: 'RFM segment of the latest customer score' },
  campaign: {
    group: () => 'acq.name',
    filter: (_d, ph) => `(acq.external_id IN (${ph}) OR acq.name IN (${ph}))`,
    describe: 'acquisition campaign (external id or name)',
  },
  product: {
    filter: (_d, ph) =>
      `(EXISTS (SELECT 1 FROM orders fo JOIN product fp ON fp.id = fo.product_id WHERE fo.account_id = acct.id AND (fp.external_id IN (${ph}) OR fp.name IN (${ph})))` +
      ` OR EXISTS (SELECT 1 FROM opportunity fop JOIN product fp2 ON fp2.id = fop.product_id WHERE fop.account_id = acct.id AND (fp2.external_id IN (${ph}) OR fp2.name IN (${ph}))))`,
    describe: 'clients that bought or were offered the product (filter only)',
  },
};

const DEAL_FIELDS: Record<string, FieldDef> = {
  segment: ACCOUNT_FIELDS.segment,
  industry: ACCOUNT_FIELDS.industry,
  region: ACCOUNT_FIELDS.region,
  country: ACCOUNT_FIELDS.country,
  size: ACCOUNT_FIELDS.size,
  cohort: ACCOUNT_FIELDS.cohort,
  cohort_quarter: ACCOUNT_FIELDS.cohort_quarter,
  rfm: ACCOUNT_FIELDS.rfm,
  account: ACCOUNT_FIELDS.account,
  rep: { group: () => 'r.name', filter: refMatch('r'), describe: 'rep on the deal (external id or name)' },
  team: { group: () => 'r.team', describe: "deal rep's team" },
  office: { group: () => 'r.region', describe: "deal rep's region (sales office)" },
  product: { group: () => 'p.name', filter: refMatch('p'), describe: 'product of the deal (external id or name)' },
  family: { group: () => 'p.family', describe: 'product family / series' },
  campaign: { group: () => 'c.name', filter: refMatch('c'), describe: 'campaign of the deal (external id or name)' },
  source: { group: () => 'o.source', describe: 'lead source' },
  stage: { group: () => 'o.stage', describe: 'current stage' },
  outcome: { group: () => 'o.outcome', describe: 'open | won | lost' },
  created: {
    group: (d) => d.monthKey('o.created_at'),
    filter: (d, ph) => cohortFilter('o.created_at')(d, ph),
    describe: 'created month YYYY-MM (filter also YYYY-Qn or YYYY)',
  },
  created_quarter: { group: (d) => d.quarterKey('o.created_at'), describe: 'created quarter' },
  closed: {
    group: (d) => d.monthKey('o.closed_at'),
    filter: (d, ph) => cohortFilter('o.closed_at')(d, ph),
    describe: 'closed month YYYY-MM (filter also YYYY-Qn or YYYY)',
  },
  quarter: { group: (d) => d.quarterKey('o.closed_at'), describe: 'closed quarter YYYY-Qn' },
  business: {
    group: () => DEAL_BUSINESS,
    needs: { since: true },
    describe:
      "new | existing: new-client business unless the account had a won deal, an order or an acquisition date before the deal's creation",
  },
};

/**
 * New-client or existing-client business of a deal: existing when the account was a client before
 * the deal was created (an earlier won deal, order or acquisition date); null without an account.
 */
export const DEAL_BUSINESS = "CASE WHEN acct.id IS NULL THEN NULL WHEN acct.since_at < o.created_at THEN 'existing' ELSE 'new' END";

export const FIELD_NAMES: Record<Scope, string[]> = {
  clients: [...Object.keys(ACCOUNT_FIELDS), 'attr.<name>'],
  deals: [...Object.keys(DEAL_FIELDS), 'attr.<name>'],
};
export function describeFields(scope: Scope): { field: string; meaning: string }[] {
  const defs = scope === 'clients' ? ACCOUNT_FIELDS : DEAL_FIELDS;
  return [
    ...Object.entries(defs).map(([field, f]) => ({ field, meaning: f.describe })),
    { field: 'attr.<name>', meaning: 'custom attribute of the account' },
  ];
}

function fieldDef(scope: Scope, field: string, path: (string | number)[]): FieldDef {
  const attr = /^attr\.([A-Za-z_][A-Za-z0-9_]{0,63})$/.exec(field);
  if (attr) {
    const name = attr[1];
    return { group: (d) => d.jsonText('acct.attributes', name), describe: `custom attribute ${name}` };
  }
  const defs = scope === 'clients' ? ACCOUNT_FIELDS : DEAL_FIELDS;
  const def = Object.hasOwn(defs, field) ? defs[field] : undefined;
  if (!def) {
    throw invalidInput(`Unknown field "${field}" for ${scope}; known fields: ${FIELD_NAMES[scope].join(', ')}`, [
      { path, problem: 'unknown field', value: field },
    ]);
  }
  return def;
}

/** The SQL expression that groups by a field (INVALID_INPUT for unknown or filter-only fields). */
export function groupExpr(d: SqlDialect, scope: Scope, field: string, needs: Needs, path: (string | number)[] = ['by']): string {
  const def = fieldDef(scope, field, path);
  if (!def.group)
    throw invalidInput(`Field "${field}" can filter ${scope} but not group them`, [
      { path, problem: 'cannot group by this field', value: field },
    ]);
  Object.assign(needs, Object.fromEntries(Object.entries(def.needs ?? {}).filter(([, v]) => v)));
  return def.group(d);
}

/** SQL conditions for the filters (AND of fields, IN over each field's values). */
export function filterWhere(
  d: SqlDialect,
  scope: Scope,
  filters: Record<string, unknown>,
  params: unknown[],
  needs: Needs,
  path: (string | number)[] = ['filters'],
): string[] {
  const out: string[] = [];
  for (const [field, raw] of Object.entries(filters)) {
    const def = fieldDef(scope, field, [...path, field]);
    const values = (Array.isArray(raw) ? raw : [raw]).map(String);
    const ph = values.map(() => '?').join(', ');
    const repeats = def.filter ? def.filter(d, ph).split(`(${ph})`).length - 1 : 1;
    const cond = def.filter ? def.filter(d, ph) : `${def.group!(d)} IN (${ph})`;
    for (let i = 0; i < repeats; i++) params.push(...values);
    Object.assign(needs, Object.fromEntries(Object.entries(def.needs ?? {}).filter(([, v]) => v)));
    if (field === 'cohort') needs.cohort = true;
    out.push(cond);
  }
  return out;
}

export const noNeeds = (): Needs => ({ owner: false, cohort: false, score: false, since: false });

/**
 * client_since(account_id, since_at): when each account became a client, the earliest of its
 * acquisition date, its first won deal's close and its first order.
 */
export const CLIENT_SINCE_CTE = `client_since AS (SELECT account_id, MIN(at) AS since_at FROM (
  SELECT id AS account_id, acquired_at AS at FROM account WHERE acquired_at IS NOT NULL
  UNION ALL SELECT account_id, MIN(closed_at) FROM opportunity WHERE outcome = 'won' AND closed_at IS NOT NULL AND account_id IS NOT NULL GROUP BY account_id
  UNION ALL SELECT account_id, MIN(ordered_at) FROM orders GROUP BY account_id
) since_dates GROUP BY account_id)`;

/**
 * The `acct` CTE: one row per account with the derived columns filters and groups use.
 * owner = the rep on most of the account's deals (ties: lowest rep id); cohort_at = acquired_at, or the
 * first order when acquisition is unknown; rfm/clv from the latest customer_score; the effective
 * acquisition cost = account.acquisition_cost, else an equal share of the acquiring campaign's cost.
 */
export function accountCtes(d: SqlDialect, needs: Needs): string {
  const ctes: string[] = [];
  // The owner and latest-score CTEs pick one row per account. On PostgreSQL they use DISTINCT ON,
  // whose row estimate (one per account) is right; a ROW_NUMBER() = 1 filter is estimated at a few
  // hundred rows, which made the planner nested-loop over it (392M comparisons at 20k clients).
  if (needs.owner) {
    ctes.push(
      d.dialect === 'postgresql'
        ? `owner AS (
  SELECT DISTINCT ON (account_id) account_id, rep_id FROM opportunity WHERE account_id IS NOT NULL AND rep_id IS NOT NULL
  GROUP BY account_id, rep_id ORDER BY account_id, COUNT(*) DESC, rep_id)`
        : `owner AS (
  SELECT account_id, rep_id FROM (
    SELECT account_id, rep_id, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY COUNT(*) DESC, rep_id) AS rn
    FROM opportunity WHERE account_id IS NOT NULL AND rep_id IS NOT NULL GROUP BY account_id, rep_id
  ) ow WHERE rn = 1)`,
    );
  }
  if (needs.cohort) ctes.push(`first_order AS (SELECT account_id, MIN(ordered_at) AS first_at FROM orders GROUP BY account_id)`);
  if (needs.since) ctes.push(CLIENT_SINCE_CTE);
  if (needs.score) {
    ctes.push(
      d.dialect === 'postgresql'
        ? `latest_score AS (SELECT DISTINCT ON (account_id) account_id, clv, rfm_segment FROM customer_score ORDER BY account_id, scored_at DESC, id DESC)`
        : `latest_score AS (
  SELECT account_id, clv, rfm_segment FROM (
    SELECT account_id, clv, rfm_segment, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY scored_at DESC, id DESC) AS rn FROM customer_score
  ) ls WHERE rn = 1)`,
    );
  }
  ctes.push(
    `campaign_size AS (SELECT acquisition_campaign_id AS campaign_id, COUNT(*) AS n FROM account WHERE acquisition_campaign_id IS NOT NULL GROUP BY acquisition_campaign_id)`,
  );
  const cols = [
    'a.id, a.external_id, a.name, a.segment, a.industry, a.region, a.country, a.size, a.status, a.acquired_at, a.churned_at, a.attributes, a.acquisition_campaign_id',
    `COALESCE(a.acquisition_cost, ${d.real('cmp.cost')} / cs.n) AS acquisition_cost`,
    "CASE WHEN a.acquisition_cost IS NOT NULL THEN 'account' WHEN cmp.id IS NOT NULL THEN 'campaign' END AS acquisition_cost_source",
    needs.owner
      ? 'orep.external_id AS rep_ext, orep.name AS rep_name, orep.team AS rep_team, orep.region AS rep_region'
      : 'NULL AS rep_ext, NULL AS rep_name, NULL AS rep_team, NULL AS rep_region',
    needs.cohort ? 'COALESCE(a.acquired_at, fo.first_at) AS cohort_at' : 'a.acquired_at AS cohort_at',
    needs.score ? 'ls.clv, ls.rfm_segment' : 'NULL AS clv, NULL AS rfm_segment',
    needs.since ? 'csn.since_at' : 'NULL AS since_at',
  ];
  const joins = [
    'LEFT JOIN campaign cmp ON cmp.id = a.acquisition_campaign_id',
    'LEFT JOIN campaign_size cs ON cs.campaign_id = a.acquisition_campaign_id',
    needs.owner ? 'LEFT JOIN owner ON owner.account_id = a.id LEFT JOIN rep orep ON orep.id = owner.rep_id' : '',
    needs.cohort ? 'LEFT JOIN first_order fo ON fo.account_id = a.id' : '',
    needs.score ? 'LEFT JOIN latest_score ls ON ls.account_id = a.id' : '',
    needs.since ? 'LEFT JOIN client_since csn ON csn.account_id = a.id' : '',
  ];
  ctes.push(`acct AS (SELECT ${cols.join(', ')} FROM account a ${joins.filter(Boolean).join(' ')})`);
  return ctes.join(',\n');
}

/** Joins every deal-scope query uses after `FROM opportunity o`. */
export const DEAL_JOINS =
  'LEFT JOIN acct ON acct.id = o.account_id LEFT JOIN rep r ON r.id = o.rep_id LEFT JOIN product p ON p.id = o.product_id LEFT JOIN campaign c ON c.id = o.campaign_id';
/** Join client-scope queries use for the campaign field. */
export const ACCOUNT_JOINS = 'LEFT JOIN campaign acq ON acq.id = acct.acquisition_campaign_id';

export const whereSql = (conds: string[]) => (conds.length ? `WHERE ${conds.join(' AND ')}` : '');

/** Whether every filter field applies to the scope (no SQL is built). */
export function filtersApply(scope: Scope, filters: Record<string, unknown>): boolean {
  try {
    checkFilterFields(scope, filters);
    return true;
  } catch {
    return false;
  }
}

/** Throws INVALID_INPUT naming the first filter field that does not apply to the scope. */
export function checkFilterFields(scope: Scope, filters: Record<string, unknown>, path: (string | number)[] = ['filters']): void {
  for (const field of Object.keys(filters)) fieldDef(scope, field, [...path, field]);
}
