// Forecasts over HTTP on demo data: the pipeline forecast with its bands and breakdowns,
// deterministic per seed; backtests and run-rate; bad periods and options are 400s naming them.
import request from 'supertest';

import {
  BacktestResponse,
  ChangesResponse,
  ForecastResponse,
  RunRateResponse,
  WhatIfResponse,
  listSnapshotsRoute,
  takeSnapshotRoute,
} from '../../src/contracts/forecasts';
import { loadDemoData } from '../../src/services/demo-service';
import { bearer, detailPaths, expectError, expectSchema, harness, type Harness } from './helpers';
import { DAY_MS } from '../../src/math/time';

let h: Harness;
beforeAll(async () => {
  const base = await harness();
  await loadDemoData(base.tdb.db, { seed: 9, accounts: 100, months: 18 });
  h = base;
});
afterAll(async () => h.close());

const get = (p: string, key = h.keys.read) => request(h.app).get(p).set(bearer(key));

describe('forecasts', () => {
  test('the quarter forecast has P10 <= P50 <= P90, breakdowns, currency, and is deterministic per seed', async () => {
    // A fixed as-of: with "now" the clock moves between the two calls and so does the answer.
    const q = `/v1/forecasts?sims=500&seed=1&by=rep,segment&asOf=${new Date().toISOString().slice(0, 10)}`;
    const res = await get(q).expect(200);
    expectSchema(ForecastResponse, res.body);
    const t = res.body.total;
    expect(t.p10).toBeLessThanOrEqual(t.p50);
    expect(t.p50).toBeLessThanOrEqual(t.p90);
    expect(Object.keys(res.body.breakdown).sort()).toEqual(['rep', 'segment']);
    expect(res.body.currency).toBe('USD');
    const again = await get(q).expect(200);
    expect(again.body.total).toEqual(res.body.total);
  });

  test('a named month and a custom range are accepted', async () => {
    const month = new Date().toISOString().slice(0, 7);
    expect((await get(`/v1/forecasts?period=${month}&sims=200`).expect(200)).body.period.label).toContain(month.slice(0, 4));
    await get('/v1/forecasts?from=2025-01-01&to=2025-01-31&sims=200').expect(200);
  });

  test('backtest and run-rate answer in their documented shapes', async () => {
    const bt = await get('/v1/forecasts/backtest?sims=200&period=quarter').expect(200);
    expectSchema(BacktestResponse, bt.body);
    expect(bt.body.periods.length).toBeGreaterThan(0);
    const rr = await get('/v1/forecasts/run-rate?horizon=3').expect(200);
    expectSchema(RunRateResponse, rr.body);
    expect(rr.body.months).toHaveLength(3);
  });

  test('bad periods and options are 400s naming them', async () => {
    expect(detailPaths(expectError(await get('/v1/forecasts?period=next-quarter'), 400, 'INVALID_INPUT'))).toContain('query.period');
    expect(detailPaths(expectError(await get('/v1/forecasts?sims=5'), 400, 'INVALID_INPUT'))).toContain('query.sims');
    expect(detailPaths(expectError(await get('/v1/forecasts?by=planet'), 400, 'INVALID_INPUT'))).toContain('query.by');
    expect(detailPaths(expectError(await get('/v1/forecasts?scorer=magic'), 400, 'INVALID_INPUT'))).toContain('query.scorer');
    expectError(await get('/v1/forecasts?from=2025-01-01'), 400, 'INVALID_INPUT');
    expect(detailPaths(expectError(await get('/v1/forecasts/backtest?period=decade'), 400, 'INVALID_INPUT'))).toContain('query.period');
    expectError(await get('/v1/forecasts/backtest?from=2025-06-01&to=2025-01-01'), 400, 'INVALID_INPUT');
    expect(detailPaths(expectError(await get('/v1/forecasts/run-rate?horizon=0'), 400, 'INVALID_INPUT'))).toContain('query.horizon');
  });

  test('snapshots are taken (admin), listed latest as-of first, and compared as a waterfall', async () => {
    const first = await request(h.app).post('/v1/forecasts/snapshots').set(bearer(h.keys.admin)).send({ sims: 200 }).expect(201);
    expectSchema(takeSnapshotRoute.response, first.body);
    // Move one open deal's amount so the waterfall has something to show.
    // The waterfall counts deals expected to close in the snapshot's period, so move one of those.
    const { periodStart, periodEnd } = first.body.snapshot;
    const [open] = await h.tdb.db.sql.all<{ external_id: string; amount: number }>(
      "SELECT external_id, amount FROM opportunity WHERE outcome = 'open' AND expected_close_at >= ? AND expected_close_at < ? ORDER BY amount DESC LIMIT 1",
      [new Date(periodStart), new Date(periodEnd)],
    );
    await h.tdb.db.sql.run('UPDATE opportunity SET amount = amount + 1000 WHERE external_id = ?', [open.external_id]);
    const second = await request(h.app).post('/v1/forecasts/snapshots').set(bearer(h.keys.admin)).send({ sims: 200 }).expect(201);
    const list = await get('/v1/forecasts/snapshots?limit=1').expect(200);
    expectSchema(listSnapshotsRoute.response, list.body);
    expect(list.body.items[0].id).toBe(second.body.snapshot.id);
    expect(list.body.page).toMatchObject({ total: 2, nextOffset: 1 });
    const changes = await get('/v1/forecasts/changes').expect(200);
    expectSchema(ChangesResponse, changes.body);
    expect(changes.body.from.id).toBe(first.body.snapshot.id);
    // The changed deal is named as the CRM names it.
    const moved = changes.body.changes.find((c: { externalId: string }) => c.externalId === open.external_id);
    expect(moved).toMatchObject({ kind: 'amount_change', delta: 1000 });
    const [{ name }] = await h.tdb.db.sql.all<{ name: string | null }>('SELECT name FROM opportunity WHERE external_id = ?', [
      open.external_id,
    ]);
    expect(name).toBeTruthy();
    expect(moved.name).toBe(name);
    expectError(await get('/v1/forecasts/changes?from=999999&to=1'), 404, 'NOT_FOUND');
    expect(detailPaths(expectError(await get('/v1/forecasts/changes?from=abc'), 400, 'INVALID_INPUT'))).toContain('query.from');
    expectError(await request(h.app).post('/v1/forecasts/snapshots').set(bearer(h.keys.read)).send({}), 403, 'FORBIDDEN');

    // A snapshot backfilled now as of a month ago is listed by its as-of, after the two of today,
    // so the default waterfall still compares the two most recent states of the pipeline.
    const monthAgo = new Date(Date.parse(first.body.snapshot.asOf) - 30 * DAY_MS).toISOString().slice(0, 10);
    const back = await request(h.app)
      .post('/v1/forecasts/snapshots')
      .set(bearer(h.keys.admin))
      .send({ sims: 200, asOf: monthAgo })
      .expect(201);
    expectSchema(takeSnapshotRoute.response, back.body);
    expect(back.body.snapshot.asOf).toBe(`${monthAgo}T00:00:00.000Z`);
    const all = await get('/v1/forecasts/snapshots').expect(200);
    expect(all.body.items.map((i: { id: number }) => i.id)).toEqual([
      second.body.snapshot.id,
      first.body.snapshot.id,
      back.body.snapshot.id,
    ]);
    expect((await get('/v1/forecasts/changes').expect(200)).body.from.id).toBe(first.body.snapshot.id);
  });

  test('what-if: dropping a deal lowers the forecast; unknown, closed or bad changes are 400s', async () => {
    const [open] = await h.tdb.db.sql.all<{ external_id: string }>(
      "SELECT external_id FROM opportunity WHERE outcome = 'open' ORDER BY amount DESC LIMIT 1",
    );
    const res = await request(h.app)
      .post('/v1/deals/what-if')
      .set(bearer(h.keys.read))
      .send({ changes: [{ id: open.external_id, drop: true }], sims: 300, seed: 3 })
      .expect(200);
    expectSchema(WhatIfResponse, res.body);
    expect(res.body.deals[0].externalId).toBe(open.external_id);
    expect(res.body.deals[0].after).toBeNull();
    expect(res.body.delta.expected).toBeLessThanOrEqual(0);
    const err = expectError(
      await request(h.app)
        .post('/v1/deals/what-if')
        .set(bearer(h.keys.read))
        .send({ changes: [{ id: 'ghost', amount: 5 }, { id: open.external_id }] }),
      400,
      'INVALID_INPUT',
    );
    expect(detailPaths(err)).toContain('changes.1');
    expect(
      detailPaths(
        expectError(
          await request(h.app)
            .post('/v1/deals/what-if')
            .set(bearer(h.keys.read))
            .send({ changes: [{ id: 'ghost', amount: 5 }] }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toContain('changes.0.id');
    expect(
      detailPaths(
        expectError(
          await request(h.app)
            .post('/v1/deals/what-if')
            .set(bearer(h.keys.read))
            .send({ changes: [{ id: open.external_id, amount: -1 }] }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toContain('changes.0.amount');
    const [closed] = await h.tdb.db.sql.all<{ external_id: string }>("SELECT external_id FROM opportunity WHERE outcome = 'won' LIMIT 1");
    expectError(
      await request(h.app)
        .post('/v1/deals/what-if')
        .set(bearer(h.keys.read))
        .send({ changes: [{ id: closed.external_id, amount: 5 }], sims: 200 }),
      400,
      'INVALID_INPUT',
    );
    // As of a date before the deal existed there is nothing to change (it answered before: null).
    const [young] = await h.tdb.db.sql.all<{ external_id: string; created_at: unknown }>(
      "SELECT external_id, created_at FROM opportunity WHERE outcome = 'open' ORDER BY created_at DESC LIMIT 1",
    );
    const early = expectError(
      await request(h.app)
        .post('/v1/deals/what-if')
        .set(bearer(h.keys.read))
        .send({ changes: [{ id: young.external_id, amount: 5 }], asOf: '2000-01-01', sims: 200 }),
      400,
      'INVALID_INPUT',
    );
    expect(early.details).toEqual([
      expect.objectContaining({ path: ['changes', 0, 'id'], problem: expect.stringMatching(/created after asOf/) }),
    ]);
  });

  test('forecasts need scores:read', async () => {
    for (const p of [
      '/v1/forecasts',
      '/v1/forecasts/backtest',
      '/v1/forecasts/run-rate',
      '/v1/forecasts/snapshots',
      '/v1/forecasts/changes',
    ]) {
      expectError(await request(h.app).get(p), 401, 'UNAUTHENTICATED');
      expectError(await get(p, h.keys.write), 403, 'FORBIDDEN');
    }
  });
});
