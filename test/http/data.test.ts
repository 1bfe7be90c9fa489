// Bulk upsert over HTTP: the CLI import's validation and all-or-nothing rule, behind data:write.
import request from 'supertest';
import { ENTITY_KIND_NAMES, UpsertResponse } from '../../src/contracts/data';
import { ENTITY_KINDS } from '../../src/domain/records';
import { bearer, detailPaths, expectError, expectSchema, harness, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => h.close());

const accounts = [
  { externalId: 'A1', name: 'Acme', segment: 'enterprise', acquiredAt: '2024-01-15' },
  { externalId: 'A2', name: 'Globex', segment: 'smb', acquiredAt: '2024-02-01T00:00:00Z' },
];
const count = async (table: string) => Number((await h.tdb.db.sql.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

describe('POST /v1/data/:kind', () => {
  test('the contract lists exactly the domain entity kinds', () => {
    expect([...ENTITY_KIND_NAMES]).toEqual([...ENTITY_KINDS]);
  });

  test('upserts records by external id, and re-sending them changes nothing', async () => {
    const first = await request(h.app).post('/v1/data/accounts').set(bearer(h.keys.write)).send({ records: accounts }).expect(200);
    expectSchema(UpsertResponse, first.body);
    expect(first.body.counts.accounts).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    const again = await request(h.app).post('/v1/data/accounts').set(bearer(h.keys.write)).send({ records: accounts }).expect(200);
    expect(again.body.counts.accounts).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
  });

  test('several kinds go in one transaction, parents first', async () => {
    const res = await request(h.app)
      .post('/v1/data')
      .set(bearer(h.keys.write))
      .send({
        opportunities: [{ externalId: 'O1', accountId: 'A9', stage: 'Prospecting', amount: 1000, createdAt: '2024-03-01' }],
        accounts: [{ externalId: 'A9', name: 'Initech' }],
      })
      .expect(200);
    expect(res.body.counts.opportunities.inserted).toBe(1);
  });

  test('one bad record rejects the request, names row and field, and writes nothing', async () => {
    const before = await count('account');
    const res = await request(h.app)
      .post('/v1/data/accounts')
      .set(bearer(h.keys.write))
      .send({ records: [{ externalId: 'B1', name: 'Fine' }, { externalId: 'B2', name: '', acquiredAt: 'yesterday' }, { name: 'no id' }] });
    const err = expectError(res, 400, 'INVALID_INPUT');
    expect(detailPaths(err)).toEqual(expect.arrayContaining(['accounts.1.name', 'accounts.1.acquiredAt', 'accounts.2.externalId']));
    expect(await count('account')).toBe(before);
  });

  test('an unknown reference is a 400 naming the value, and nothing is written', async () => {
    const before = await count('opportunity');
    const res = await request(h.app)
      .post('/v1/data/opportunities')
      .set(bearer(h.keys.write))
      .send({
        records: [{ externalId: 'O2', accountId: 'NOPE', stage: 'Won', outcome: 'won', createdAt: '2024-01-01', closedAt: '2024-02-01' }],
      });
    const err = expectError(res, 400, 'INVALID_INPUT');
    expect(JSON.stringify(err.details)).toContain('NOPE');
    expect(await count('opportunity')).toBe(before);
  });

  test('a misspelt field (nmae) is a 400 naming it and the field meant, in one kind or a batch; nothing is written', async () => {
    const before = await count('account');
    const res = await request(h.app)
      .post('/v1/data/accounts')
      .set(bearer(h.keys.write))
      .send({ records: [{ externalId: 'N1', nmae: 'Typo Inc', name: 'Typo Inc' }] });
    const err = expectError(res, 400, 'INVALID_INPUT');
    expect(err.details).toEqual([
      expect.objectContaining({
        path: ['accounts', 0, 'nmae'],
        row: 1,
        column: 'nmae',
        value: 'Typo Inc',
        problem: expect.stringMatching(/^nmae is not a field of accounts \(did you mean name\?\)/),
      }),
    ]);
    expect(err.message).toMatch(/unknownFields=attributes/);
    const batch = await request(h.app)
      .post('/v1/data')
      .set(bearer(h.keys.write))
      .send({
        accounts: [{ externalId: 'N2', name: 'Fine' }],
        opportunities: [{ externalId: 'O-N', stage: 'New', createdAt: '2024-01-01', colour: 'red' }],
      });
    expect(detailPaths(expectError(batch, 400, 'INVALID_INPUT'))).toEqual(['opportunities.0.colour']);
    expect(await count('account')).toBe(before);
  });

  test('unknown fields are kept as custom attributes only when asked (?unknownFields=attributes)', async () => {
    await request(h.app)
      .post('/v1/data/accounts?unknownFields=attributes')
      .set(bearer(h.keys.write))
      .send({ records: [{ externalId: 'U1', name: 'Kept', tier: 'gold', attributes: { seats: 12 } }] })
      .expect(200);
    const [row] = await h.tdb.db.sql.all<{ attributes: unknown }>("SELECT attributes FROM account WHERE external_id = 'U1'");
    const attrs = typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes;
    expect(attrs).toEqual({ tier: 'gold', seats: 12 });
    // Kinds without attributes still refuse them, naming the field.
    const res = await request(h.app)
      .post('/v1/data/service-costs?unknownFields=attributes')
      .set(bearer(h.keys.write))
      .send({ records: [{ accountId: 'U1', incurredAt: '2024-01-01', kind: 'support', amount: 5, note: 'x' }] });
    expect(detailPaths(expectError(res, 400, 'INVALID_INPUT'))).toEqual(['service-costs.0.note']);
    expect(
      detailPaths(
        expectError(
          await request(h.app)
            .post('/v1/data/accounts?unknownFields=keep')
            .set(bearer(h.keys.write))
            .send({ records: [{ externalId: 'U2', name: 'x' }] }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toEqual(['query.unknownFields']);
  });

  test('a dry run validates without writing', async () => {
    const res = await request(h.app)
      .post('/v1/data/accounts?dryRun=true')
      .set(bearer(h.keys.write))
      .send({ records: [{ externalId: 'D1', name: 'Dry' }] })
      .expect(200);
    expect(res.body).toMatchObject({ dryRun: true, validated: { accounts: 1 } });
    expect((await h.tdb.db.sql.all('SELECT 1 FROM account WHERE external_id = ?', ['D1'])).length).toBe(0);
  });

  test('rejects an unknown kind, an empty or missing records array and a bad query', async () => {
    expect(
      detailPaths(
        expectError(
          await request(h.app)
            .post('/v1/data/widgets')
            .set(bearer(h.keys.write))
            .send({ records: [{}] }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toContain('params.kind');
    expect(
      detailPaths(
        expectError(await request(h.app).post('/v1/data/accounts').set(bearer(h.keys.write)).send({ records: [] }), 400, 'INVALID_INPUT'),
      ),
    ).toContain('records');
    expect(
      detailPaths(expectError(await request(h.app).post('/v1/data/accounts').set(bearer(h.keys.write)).send({}), 400, 'INVALID_INPUT')),
    ).toContain('records');
    expect(
      detailPaths(
        expectError(
          await request(h.app).post('/v1/data/accounts?dryRun=maybe').set(bearer(h.keys.write)).send({ records: accounts }),
          400,
          'INVALID_INPUT',
        ),
      ),
    ).toContain('query.dryRun');
    expectError(await request(h.app).post('/v1/data').set(bearer(h.keys.write)).send({ widgets: [] }), 400, 'INVALID_INPUT');
  });

  test('needs a key (401) with the data:write scope (403)', async () => {
    expectError(await request(h.app).post('/v1/data/accounts').send({ records: accounts }), 401, 'UNAUTHENTICATED');
    expectError(
      await request(h.app).post('/v1/data/accounts').set(bearer('sc_00000000_notarealkeynotarealkey00')).send({ records: accounts }),
      401,
      'UNAUTHENTICATED',
    );
    expectError(await request(h.app).post('/v1/data/accounts').set(bearer(h.keys.read)).send({ records: accounts }), 403, 'FORBIDDEN');
  });
});
