// The one deal loader: stored deals as the timeline type, what the database cannot tell left "not
// provided" (no activity or stage-change rows at all), and a past as-of applied by the timeline.
import { loadClosedDeals, loadDeals } from '../../src/db/repositories/deals';
import { loadDeals as loadDealsAsOf } from '../../src/services/deals/load-deals';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const at = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('the deal repository', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
    const q = t.db.sql;
    await q.run(`INSERT INTO account (external_id, name, segment, updated_at) VALUES ('ACC-1', 'Acme', 'SMB', ?)`, [at('2025-01-01')]);
    await q.run(`INSERT INTO rep (external_id, name, team, region) VALUES ('R-1', 'Ana', 'East', 'EU')`);
    await q.run(
      `INSERT INTO opportunity (external_id, account_id, rep_id, amount, stage, outcome, created_at, closed_at, updated_at)
       VALUES ('D-1', (SELECT id FROM account WHERE external_id = 'ACC-1'), (SELECT id FROM rep WHERE external_id = 'R-1'), 0, 'Lost', 'lost', ?, ?, ?),
              ('D-2', NULL, NULL, 900, 'Proposal', 'open', ?, NULL, ?)`,
      [at('2025-01-01'), at('2025-03-01'), at('2025-03-01'), at('2025-02-01'), at('2025-03-01')],
    );
  });
  afterEach(() => t.cleanup());

  test('a database without activity or stage-change rows: activities and history are not provided', async () => {
    const deals = await loadDeals(t.db.sql);
    expect(deals.map((d) => d.externalId)).toEqual(['D-1', 'D-2']);
    for (const d of deals) {
      expect(d.activities).toBeUndefined();
      expect(d.stageChanges).toBeUndefined();
    }
    const [lost, open] = deals;
    expect(lost).toMatchObject({
      outcome: 'lost',
      amount: null,
      rep: 'Ana',
      team: 'East',
      repRegion: 'EU',
      account: { externalId: 'ACC-1', segment: 'SMB' },
    });
    expect(lost.closedAt).toBe(at('2025-03-01').getTime());
    expect(open).toMatchObject({ outcome: 'open', amount: 900, rep: null, account: null, closedAt: null });
  });

  test('once the database records activities and stage changes, a deal without any has none (zero), not "not provided"', async () => {
    const q = t.db.sql;
    await q.run(
      `INSERT INTO activity (external_id, opportunity_id, type, occurred_at) VALUES ('A-1', (SELECT id FROM opportunity WHERE external_id = 'D-2'), 'call', ?)`,
      [at('2025-02-10')],
    );
    await q.run(
      `INSERT INTO stage_change (external_id, opportunity_id, from_stage, to_stage, amount, changed_at)
       VALUES ('S-1', (SELECT id FROM opportunity WHERE external_id = 'D-1'), 'Engaging', 'Lost', 0, ?)`,
      [at('2025-03-01')],
    );
    const [lost, open] = await loadDeals(q);
    expect(lost.activities).toEqual([]);
    expect(open.activities).toEqual([{ type: 'call', at: at('2025-02-10').getTime() }]);
    expect(lost.stageChanges).toEqual([
      { fromStage: 'Engaging', toStage: 'Lost', amount: 0, expectedCloseAt: null, at: at('2025-03-01').getTime() },
    ]);
    expect(open.stageChanges).toEqual([]);
    expect(await loadDeals(q, { activities: false }).then((ds) => ds.map((d) => d.activities))).toEqual([undefined, undefined]);
  });

  test('by id, by account, open now, created before a moment; closed deals for win-rate history', async () => {
    const q = t.db.sql;
    const ids = (await loadDeals(q)).map((d) => d.id!);
    expect((await loadDeals(q, { ids: [ids[1]] })).map((d) => d.externalId)).toEqual(['D-2']);
    expect((await loadDeals(q, { openNow: true })).map((d) => d.externalId)).toEqual(['D-2']);
    expect((await loadDeals(q, { createdBefore: at('2025-02-01') })).map((d) => d.externalId)).toEqual(['D-1']);
    const [acc] = await loadDeals(q);
    expect((await loadDeals(q, { accountIds: [acc.account!.id!] })).map((d) => d.externalId)).toEqual(['D-1']);
    expect(await loadClosedDeals(q)).toEqual([
      {
        closedAt: at('2025-03-01').getTime(),
        won: false,
        rep: 'Ana',
        product: null,
        source: null,
        segment: 'SMB',
        accountExternalId: 'ACC-1',
      },
    ]);
    expect(await loadClosedDeals(q, { closedBefore: at('2025-03-01') })).toEqual([]);
  });

  test('as of a past moment the service shows a deal closed later as open, without its stored (final) fields', async () => {
    const deals = await loadDealsAsOf(t.db, { asOf: at('2025-02-15') });
    expect(deals.map((d) => d.externalId)).toEqual(['D-1', 'D-2']);
    expect(deals[0]).toMatchObject({ outcome: 'open', closedAt: null, stage: null, amount: null });
    expect((await loadDealsAsOf(t.db, { asOf: at('2025-02-15'), openOnly: true })).length).toBe(2);
    expect((await loadDealsAsOf(t.db, { openOnly: true })).map((d) => d.externalId)).toEqual(['D-2']);
  });
});
