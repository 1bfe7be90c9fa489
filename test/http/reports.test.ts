// Client economics over HTTP: every report answers on the golden analytics fixture, filters pass
// through the query string, bad options and unknown fields are 400s naming them, reads need scores:read.
import request from 'supertest';
import {
  CampaignsResponse,
  CohortsResponse,
  CompareResponse,
  FunnelResponse,
  ParetoResponse,
  ProfitabilityResponse,
  ProfitabilityRow,
} from '../../src/contracts/reports';
import { CampaignEffectResponse } from '../../src/contracts/report-campaign-effect';
import { GrowthResponse } from '../../src/contracts/report-growth';
import { NewVsExistingResponse } from '../../src/contracts/report-new-vs-existing';
import { loadGoldenFixture } from '../analytics/golden-fixture';
import { bearer, detailPaths, expectError, expectSchema, harness, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
  await loadGoldenFixture(h.tdb.db);
});
afterAll(async () => h.close());

const get = (path: string, key = h.keys.read) => request(h.app).get(path).set(bearer(key));

describe('reports', () => {
  test('profitability ranks clients by net profit, pages them, and carries the currency', async () => {
    const res = await get('/v1/reports/profitability?from=2024-01-01&to=2024-12-31&limit=2').expect(200);
    expectSchema(ProfitabilityResponse, res.body);
    expect(res.body.currency).toBe('USD');
    expect(res.body.rows).toHaveLength(2);
    expect(res.body.rows[0].netProfit).toBeGreaterThanOrEqual(res.body.rows[1].netProfit);
    expect(res.body.page).toEqual({ limit: 2, offset: 0, total: 4, nextOffset: 2 });
    const next = await get('/v1/reports/profitability?from=2024-01-01&to=2024-12-31&limit=2&offset=2').expect(200);
    expect(next.body.page.nextOffset).toBeNull();
  });

  test('any other query parameter is a filter, lists are comma-separated', async () => {
    const smb = await get('/v1/reports/profitability?segment=SMB').expect(200);
    expect(smb.body.rows.map((r: { accountId: string }) => r.accountId).sort()).toEqual(['A1', 'A3']);
    const two = await get('/v1/reports/profitability?region=EU,US&segment=ENT').expect(200);
    expect(two.body.rows.map((r: { accountId: string }) => r.accountId).sort()).toEqual(['A2', 'A4']);
    const by = await get('/v1/reports/profitability?by=segment').expect(200);
    expect(by.body.groups.map((g: { group: string }) => g.group).sort()).toEqual(['ENT', 'SMB']);
  });

  test('one client by external id, 404 for an unknown one', async () => {
    const res = await get('/v1/clients/A1/profitability?from=2024-01-01&to=2024-12-31').expect(200);
    expectSchema(ProfitabilityRow, res.body.client);
    expect(res.body.client.accountId).toBe('A1');
    expectError(await get('/v1/clients/NOPE/profitability'), 404, 'NOT_FOUND');
  });

  test('pareto, cohorts, funnel and campaigns answer in their documented shapes', async () => {
    expectSchema(ParetoResponse, (await get('/v1/reports/pareto?points=4').expect(200)).body);
    expectSchema(CohortsResponse, (await get('/v1/reports/cohorts?periods=3').expect(200)).body);
    const deals = await get('/v1/reports/cohorts?kind=deals').expect(200);
    expectSchema(CohortsResponse, deals.body);
    const funnel = await get('/v1/reports/funnel?by=rep,source').expect(200);
    expectSchema(FunnelResponse, funnel.body);
    expect(funnel.body.breakdowns.map((b: { by: string }) => b.by)).toEqual(['rep', 'source']);
    expectSchema(CampaignsResponse, (await get('/v1/reports/campaigns?sort=cost').expect(200)).body);
    const fields = await get('/v1/reports/fields').expect(200);
    expect(fields.body.clients.map((f: { field: string }) => f.field)).toContain('segment');
  });

  test('growth, new-vs-existing and campaign-effect answer in their documented shapes, filters in the query', async () => {
    const growth = await get('/v1/reports/growth?by=family&period=quarter&from=2024-01-01&to=2024-12-31&segment=SMB').expect(200);
    expectSchema(GrowthResponse, growth.body);
    // SMB clients A1 and A3 in 2024: W 1000 + 300 + 200 + 1200, G 500.
    expect(growth.body.rows.map((r: { group: string; total: number }) => [r.group, r.total])).toEqual([
      ['W', 2700],
      ['G', 500],
    ]);
    const nve = await get('/v1/reports/new-vs-existing?from=2024-01-01&to=2024-12-31&by=rep').expect(200);
    expectSchema(NewVsExistingResponse, nve.body);
    expect(nve.body.deals.map((d: { business: string; deals: number }) => [d.business, d.deals])).toEqual([
      ['new', 4],
      ['existing', 4],
    ]);
    const windowed = await get('/v1/reports/campaigns?windowDays=30').expect(200);
    expectSchema(CampaignsResponse, windowed.body);
    expect(windowed.body.windowDays).toBe(30);
    const effect = await get('/v1/reports/campaign-effect?matchOn=segment').expect(200);
    expectSchema(CampaignEffectResponse, effect.body);
    // The golden fixture has no target list: the answer says so rather than showing an empty table.
    expect(effect.body.campaigns).toEqual([]);
    expect(effect.body.notes.join(' ')).toMatch(/No campaign has a target list/);
    expectError(await get('/v1/reports/campaign-effect?campaign=NOPE'), 404, 'NOT_FOUND');
    expect(detailPaths(expectError(await get('/v1/reports/growth?period=decade'), 400, 'INVALID_INPUT'))).toContain('query.period');
    expect(JSON.stringify(expectError(await get('/v1/reports/growth?by=colour'), 400, 'INVALID_INPUT'))).toContain('colour');
    expect(detailPaths(expectError(await get('/v1/reports/campaigns?windowDays=0'), 400, 'INVALID_INPUT'))).toContain('query.windowDays');
    expect(detailPaths(expectError(await get('/v1/reports/new-vs-existing?basis=never'), 400, 'INVALID_INPUT'))).toContain('query.basis');
  });

  test('compare takes groups as a JSON body and flags small groups', async () => {
    const res = await request(h.app)
      .post('/v1/reports/compare')
      .set(bearer(h.keys.read))
      .send({
        groups: [
          { name: 'SMB', filters: { segment: 'SMB' } },
          { name: 'ENT', filters: { segment: 'ENT' } },
        ],
      })
      .expect(200);
    expectSchema(CompareResponse, res.body);
    expect(res.body.baseline).toBe('SMB');
    expect(res.body.groups.every((g: { small: boolean }) => g.small)).toBe(true);
    const by = await request(h.app).post('/v1/reports/compare').set(bearer(h.keys.read)).send({ by: 'region' }).expect(200);
    expectSchema(CompareResponse, by.body);
  });

  test('bad options and unknown fields are 400s naming them', async () => {
    expect(detailPaths(expectError(await get('/v1/reports/profitability?limit=0'), 400, 'INVALID_INPUT'))).toContain('query.limit');
    expect(detailPaths(expectError(await get('/v1/reports/profitability?from=yesterday'), 400, 'INVALID_INPUT'))).toContain('query.from');
    expectError(await get('/v1/reports/profitability?sort=-shoeSize'), 400, 'INVALID_INPUT');
    const unknown = expectError(await get('/v1/reports/profitability?colour=red'), 400, 'INVALID_INPUT');
    expect(JSON.stringify(unknown)).toContain('colour');
    expect(detailPaths(expectError(await get('/v1/reports/cohorts?kind=planets'), 400, 'INVALID_INPUT'))).toContain('query.kind');
    expect(detailPaths(expectError(await get('/v1/reports/pareto?points=1'), 400, 'INVALID_INPUT'))).toContain('query.points');
    expect(detailPaths(expectError(await get('/v1/reports/funnel?basis=never'), 400, 'INVALID_INPUT'))).toContain('query.basis');
    expect(detailPaths(expectError(await get('/v1/reports/campaigns?sort=vibes'), 400, 'INVALID_INPUT'))).toContain('query.sort');
    expectError(await get('/v1/reports/profitability?from=2024-05-01&to=2024-01-01'), 400, 'INVALID_INPUT');
    const compare = expectError(
      await request(h.app)
        .post('/v1/reports/compare')
        .set(bearer(h.keys.read))
        .send({ groups: [{ filters: {} }] }),
      400,
      'INVALID_INPUT',
    );
    expect(detailPaths(compare)).toContain('groups');
    expect(
      detailPaths(
        expectError(
          await request(h.app).post('/v1/reports/compare').set(bearer(h.keys.read)).send({ by: 'region', confidence: 2 }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toContain('confidence');
  });

  test('reports need scores:read', async () => {
    for (const path of [
      '/v1/reports/profitability',
      '/v1/reports/pareto',
      '/v1/reports/cohorts',
      '/v1/reports/funnel',
      '/v1/reports/campaigns',
      '/v1/reports/campaign-effect',
      '/v1/reports/growth',
      '/v1/reports/new-vs-existing',
      '/v1/clients/A1/profitability',
      '/v1/reports/fields',
    ]) {
      expectError(await request(h.app).get(path), 401, 'UNAUTHENTICATED');
      expectError(await get(path, h.keys.write), 403, 'FORBIDDEN');
    }
    expectError(await request(h.app).post('/v1/reports/compare').send({ by: 'region' }), 401, 'UNAUTHENTICATED');
    expectError(await request(h.app).post('/v1/reports/compare').set(bearer(h.keys.admin)).send({ by: 'region' }), 403, 'FORBIDDEN');
  });
});
