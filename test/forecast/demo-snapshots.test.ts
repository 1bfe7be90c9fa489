// The two forecast snapshots `npm start` stores for a demo's pipeline-changes waterfall: the
// current quarter as of its first day (or four weeks back early in a quarter) and as of now.
import { loadConfig } from '../../src/config';
import { ensureDemoSnapshots } from '../../src/services/bootstrap';
import { loadDemoData } from '../../src/services/demo-service';
import { compareForecastSnapshots, listForecastSnapshots } from '../../src/services/forecast/snapshot-service';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const NOW = new Date('2026-07-05T00:00:00Z');
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await loadDemoData(t.db, { seed: 5, accounts: 60, months: 12, asOf: NOW });
});
afterAll(async () => t?.cleanup());

it('early in a quarter compares with four weeks back, adds up, and is taken only once', async () => {
  const config = loadConfig({ DATABASE_URL: t.url });
  const lines: string[] = [];
  const ids = await ensureDemoSnapshots(t.db, config, (m) => lines.push(m), NOW);
  expect(ids).toHaveLength(2);
  expect(lines.join('\n')).toMatch(/stored forecast snapshots of 2026-Q3 as of 2026-06-07 and now/);
  const snaps = await listForecastSnapshots(t.db);
  expect(snaps.map((s) => [s.period, s.asOf])).toEqual([
    ['2026-Q3', NOW.toISOString()],
    ['2026-Q3', '2026-06-07T00:00:00.000Z'],
  ]);
  const w = await compareForecastSnapshots(t.db);
  expect(w.start + w.steps.reduce((a, s) => a + s.amount, 0)).toBeCloseTo(w.end, 6);

  expect(await ensureDemoSnapshots(t.db, config, (m) => lines.push(m), NOW)).toEqual([]);
  expect(await listForecastSnapshots(t.db)).toHaveLength(2);
});
