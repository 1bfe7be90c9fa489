// The server refreshes its deal-win scoring every MODEL_REFRESH_SECONDS. Reading every closed deal
// each time ran on the event loop (~35 ms of CPU on the demo) for nothing when no data had
// changed: the history is read again only when the data version moved, whichever process moved it.
import { loadDemoData } from '../../src/services/demo-service';
import { upsertRecords } from '../../src/services/import/upsert-records';
import { WinScoring } from '../../src/services/win/score-deals';
import { DAY_MS } from '../../src/math/time';
import { openDatabase } from '../../src/db/database';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
  await loadDemoData(tdb.db, { seed: 5, accounts: 40, months: 12 });
});
afterAll(async () => tdb.cleanup());

const historyOf = (w: WinScoring) => (w as unknown as { history: unknown }).history;

test('refresh keeps the closed-deal history until another connection changes the data', async () => {
  const win = new WinScoring(tdb.db, { modelsDir: `${tdb.url}-models` });
  await win.refresh();
  const first = historyOf(win);
  expect(first).not.toBeNull();
  await win.refresh();
  expect(historyOf(win)).toBe(first);

  // Another handle (as another process would) closes a deal.
  const other = openDatabase(tdb.url);
  try {
    const now = Date.now();
    await upsertRecords(other, {
      opportunities: [
        {
          externalId: 'REFRESH-1',
          stage: 'Closed Won',
          amount: 1000,
          discount: 0,
          outcome: 'won',
          createdAt: new Date(now - 30 * DAY_MS),
          closedAt: new Date(now - DAY_MS),
        },
      ],
    });
  } finally {
    await other.close();
  }
  await win.refresh();
  expect(historyOf(win)).not.toBe(first);
});
