// Browser checks of the director's panels (issue 15): growth by group, new and existing clients,
// campaign ROI and effect, the cohort note and the customer drawer's economics. Used by the demo
// test (browser.test.ts); browser-maven.test.ts checks what they say on a CRM without orders or
// campaigns.
import type { Page } from 'playwright-core';
import { text } from './browser-helpers';

export const DIRECTOR_PANELS = ['growth', 'business', 'campaigns', 'campaign-effect'];

/** Clients acquired before the order history are not shown, and the panel says how many and why (#15 defect 3). */
export async function checkCohortNote(page: Page) {
  expect(await text(page, '#panel-cohorts [data-testid="cohorts-left-out"]')).toMatch(
    /^\d+ clients acquired before the order history begins \(\w{3} \d{4}\) are not shown: their first quarters were not recorded/,
  );
  // No row of the heat map starts late: the first quarter of every cohort is observed.
  const firstCells = await page.$$eval('#panel-cohorts table.heat tbody tr', (trs) =>
    trs.map((tr) => tr.querySelector('td.cell')?.classList.contains('heat-none') ?? true),
  );
  expect(firstCells.length).toBeGreaterThan(0);
  expect(firstCells.every((blank) => !blank)).toBe(true);
}

/** Turnover by family and quarter, coloured by growth; another grouping on a tab; cut quarters said. */
export async function checkGrowthPanel(page: Page) {
  expect(await text(page, '#panel-growth h3')).toMatch(/^Turnover by quarter/);
  const head = await page.$$eval('#panel-growth table.heat thead th', (ths) => ths.map((t) => t.textContent?.trim() ?? ''));
  expect(head[0]).toBe('Product family');
  expect(head.slice(1, -1).every((h) => /^\d{4}-Q[1-4]\*?$/.test(h))).toBe(true);
  expect(head.some((h) => h.endsWith('*'))).toBe(true); // the data starts or ends inside a quarter
  const rows = await page.$$('#panel-growth table.heat tbody tr');
  expect(rows.length).toBeGreaterThanOrEqual(3); // families and the total
  expect(
    await page.$$(
      '#panel-growth td.cell.g-up-1, #panel-growth td.cell.g-up-2, #panel-growth td.cell.g-up-3, #panel-growth td.cell.g-down-1, #panel-growth td.cell.g-down-2, #panel-growth td.cell.g-down-3',
    ),
  ).not.toHaveLength(0);
  const tip = await page.$eval('#panel-growth tbody tr td.cell:not(.cut)', (td) => td.getAttribute('title') ?? '');
  expect(tip).toMatch(/: \$[\d,]+; \d+% of the period; /);
  expect(await text(page, '#panel-growth .notes')).toMatch(/holds only|runs to/);
  await page.click('#panel-growth [role="tab"][data-dim="segment"]');
  await page.waitForFunction(() => document.querySelector('#panel-growth table.heat thead th')?.textContent?.trim() === 'Segment');
  expect(await page.$$('#panel-growth table.heat tbody tr')).not.toHaveLength(0);
}

/** New and existing clients: win rate with its interval, cycle and contacts per win for each; the difference. */
export async function checkBusinessPanel(page: Page) {
  for (const b of ['new', 'existing']) {
    const t = await text(page, `#panel-business .business[data-business="${b}"]`);
    expect(t).toMatch(/Win rate ?\d+\.\d% \d+%–\d+%/);
    expect(t).toMatch(/Cycle ?\d+ days/);
    expect(t).toMatch(/Contacts per win ?\d+\.\d/);
    expect(t).toMatch(/Order revenue ?\$[\d.]+[KM]? \d+% of all/);
  }
  expect(await text(page, '#panel-business [data-figure="win-rate-difference"]')).toMatch(
    /^Win rate, existing minus new: [+−]?\d+\.\d pts \(95% interval [+−]?\d+\.\d pts to [+−]?\d+\.\d pts\): (not luck \(p < 0\.05\)|could be luck)\.$/,
  );
}

/** Campaign ROI within the window, and each target list against similar accounts. */
export async function checkCampaignPanels(page: Page) {
  const head = await page.$$eval('#panel-campaigns thead th', (ths) => ths.map((t) => (t.textContent ?? '').replace(/[↑↓]/g, '').trim()));
  expect(head).toEqual(['Campaign', 'Cost', 'Acquired', 'Cost per client', 'Attributed margin', 'ROI', 'Payback']);
  expect(await page.$$('#panel-campaigns tbody tr')).not.toHaveLength(0);
  expect(await text(page, '#panel-campaigns')).toMatch(/only within 365 days of its touch/);
  const effects = await page.$$('#panel-campaign-effect tbody tr');
  expect(effects.length).toBeGreaterThan(0);
  expect(await page.$$('#panel-campaign-effect svg.chart.interval')).toHaveLength(effects.length);
  const verdict = await page.$eval('#panel-campaign-effect tbody tr', (tr) => tr.getAttribute('title') ?? '');
  expect(verdict).toMatch(/targeted accounts bought [\d,]+ USD (more|less) per account/);
  expect(await text(page, '#panel-campaign-effect')).toMatch(/Targeted accounts against accounts of the same segment, region/);
}

/** The drawer's economics: the acquisition cost and where it comes from, the payback in words; the three risk figures explained. */
export async function checkCustomerEconomics(page: Page) {
  const econ = await text(page, '#customer-dialog [data-part="economics"]');
  expect(econ).toMatch(/Acquisition cost ?(\$[\d,]+ · (the account's own figure|its campaign's cost per acquired client)|not known)/);
  expect(await text(page, '#customer-dialog [data-figure="payback"]')).toMatch(
    /^(Paid back in (the month of acquisition|month \d+)|Not paid back yet|Payback unknown: acquired \w{3} \d{4}, before the order history begins|No acquisition cost is known)/,
  );
  expect(await text(page, '#customer-dialog [data-testid="three-measures"]')).toMatch(
    /Churn risk: the churn model's probability that the customer .* within the next \d+ days.*P\(alive\): .*RFM segment: a rank, not a probability/,
  );
}
