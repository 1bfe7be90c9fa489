// The dashboard on a real CRM export without orders or campaigns: the Maven "CRM Sales
// Opportunities" files imported with examples/crm_maven. The director's panels must say what they
// show there (bookings instead of turnover, deals without order revenue) and that there are no
// campaigns, rather than draw empty tables; and the page rules hold.
import path from 'node:path';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { startServer, type ServerHandle } from '../../src/http/server';
import { importFile } from '../../src/services/import/import-file';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { realDataPath } from '../helpers/real-data';
import { CHROMIUM, expectCleanPage, FLAGS, open, shot, suite, text, watchErrors } from './browser-helpers';
import { DIRECTOR_PANELS } from './director-panels';

const EX = path.resolve(__dirname, '..', '..', 'examples', 'crm_maven');

suite('the dashboard on the Maven CRM export (deals only)', () => {
  let browser: Browser;
  let t: TestDatabase;
  let server: ServerHandle;
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    for (const [kind, f, m] of [
      ['accounts', 'accounts.csv', 'accounts.map.json'],
      ['products', 'products.csv', 'products.map.json'],
      ['reps', 'sales_teams.csv', 'reps.map.json'],
      ['opportunities', 'sales_pipeline.csv', 'opportunities.map.json'],
    ] as const)
      await importFile(t.db, { kind, file: realDataPath('crm_maven', f), mappingPath: path.join(EX, m) });
    server = await startServer(
      {
        ...loadConfig({ DATABASE_URL: t.url }),
        PORT: 0,
        HOST: '127.0.0.1',
        SALESCAST_AUTH_DISABLED: true,
        RATE_LIMIT_PER_MINUTE: 100_000,
        SHUTDOWN_GRACE_SECONDS: 1,
        LOG_LEVEL: 'silent',
      },
      t.db,
      { logger: pino({ level: 'silent' }), handleSignals: false, trainers: {} },
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.cleanup();
  });

  test('growth shows bookings and says so; new and existing clients split deals; no campaigns is said, not drawn', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // Without trained models or recent deals, some panels answer 422/404: the browser logs those.
    const errors = watchErrors(page, [/status of 4\d\d/]);
    try {
      await open(page, `${server.url}/`);
      await page.screenshot({ path: shot('-maven'), fullPage: true });
      for (const id of DIRECTOR_PANELS) expect({ id, loading: !!(await page.$(`#panel-${id} .loading`)) }).toEqual({ id, loading: false });
      expect(await text(page, '#panel-growth h3')).toMatch(/^Bookings by quarter: amounts of won deals by close date/);
      expect(await text(page, '#panel-growth .notes')).toMatch(/No orders are recorded, so this is the growth of bookings/);
      expect(await page.$$('#panel-growth table.heat tbody tr')).not.toHaveLength(0);
      // The Maven deals closed in 2017: the last 12 months hold none, so the panel covers the whole record and says so.
      expect(await text(page, '#panel-business [data-figure="scope"]')).toMatch(/^No deal closed in the last 12 months/);
      for (const b of ['new', 'existing'])
        expect(await text(page, `#panel-business .business[data-business="${b}"]`)).toMatch(
          /Win rate ?\d+\.\d% \d+%–\d+%.*Contacts per win ?not logged/,
        );
      expect(await text(page, '#panel-business')).toMatch(/No orders are recorded: the split covers deals \(won amounts\) only/);
      expect(await text(page, '#panel-campaigns')).toMatch(/No campaigns ?No campaigns are recorded\./);
      expect(await text(page, '#panel-campaign-effect')).toMatch(
        /No campaign to compare ?No campaigns are recorded, so there is no campaign effect to measure\./,
      );
      expect(await page.$$('#panel-campaigns table, #panel-campaign-effect table')).toHaveLength(0);
      await expectCleanPage(page);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
