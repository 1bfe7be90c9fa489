// Values a caller sends to the reports are bound as parameters, never written into the SQL text:
// stage names, filter values and ids that look like SQL (quotes, comments, statement separators)
// are only ever compared as values. The funnel used to write stage names into its SQL, so a quote
// or a NUL in `stages` was a 500.
import request from 'supertest';
import { FunnelResponse } from '../../src/contracts/reports';
import { tableCounts } from '../../src/db/repositories/stats';
import { loadGoldenFixture } from '../analytics/golden-fixture';
import { bearer, expectSchema, harness, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
  await loadGoldenFixture(h.tdb.db);
});
afterAll(async () => h.close());

const get = (path: string) => request(h.app).get(path).set(bearer(h.keys.read));
const HOSTILE = "Won') OR 1=1; DROP TABLE account; --";

describe('report inputs are bound, not spliced', () => {
  test('a funnel stage named like SQL is just a stage no deal is in', async () => {
    const plain = await get('/v1/reports/funnel').expect(200);
    const stages: string[] = plain.body.stages.map((s: { stage: string }) => s.stage).filter((s: string) => s !== 'won');
    const before = await tableCounts(h.tdb.db.sql);
    const res = await get(`/v1/reports/funnel?stages=${encodeURIComponent([...stages, HOSTILE].join(','))}`).expect(200);
    expectSchema(FunnelResponse, res.body);
    const names = res.body.stages.map((s: { stage: string }) => s.stage);
    expect(names).toEqual([...stages, HOSTILE, 'won']);
    // The stages before it are reached as without it; only won deals get past a stage nobody is in.
    for (let i = 0; i < stages.length; i++) expect(res.body.stages[i].reached).toBe(plain.body.stages[i].reached);
    const won = res.body.stages.at(-1).reached;
    expect(res.body.stages[stages.length]).toMatchObject({ stage: HOSTILE, reached: won, stays: 0, averageDaysInStage: null });
    expect(await tableCounts(h.tdb.db.sql)).toEqual(before);
  });

  test('filter values and client ids that look like SQL match nothing', async () => {
    const res = await get(`/v1/reports/profitability?segment=${encodeURIComponent("SMB' OR '1'='1")}`).expect(200);
    expect(res.body.rows).toEqual([]);
    await get(`/v1/clients/${encodeURIComponent("A1' OR '1'='1")}/profitability`).expect(404);
  });

  // A NUL never reaches a query: the input rules (src/contracts/input-rules.ts) refuse it on every
  // dialect with a 400 naming the parameter (PostgreSQL could not even bind it).
  test('a NUL in a stage name is a 400 naming the parameter, not a 500', async () => {
    const res = await get('/v1/reports/funnel?stages=%00').expect(400);
    expect(res.body.error).toMatchObject({
      code: 'INVALID_INPUT',
      details: [{ path: ['query', 'stages'], problem: expect.stringMatching(/NUL/) }],
    });
  });
});
