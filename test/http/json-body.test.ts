// The API's JSON body reader (src/http/json-body.ts) against express.json: for generated bodies and
// headers, both give the same parsed body or the same error (status, type, message); the common
// case is read without express.json, and everything else is handed to it.
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import fc from 'fast-check';
import { jsonBody, limitBytes } from '../../src/http/json-body';

const LIMIT = '2kb';

interface Served {
  url: string;
  server: http.Server;
  fallbacks: number;
}

async function serve(parser: (fallback: RequestHandler) => RequestHandler): Promise<Served> {
  const app = express();
  const out = { url: '', server: null as unknown as http.Server, fallbacks: 0 };
  const standard = express.json({ limit: LIMIT });
  app.use(
    parser((req, res, next) => {
      out.fallbacks++;
      standard(req, res, next);
    }),
  );
  app.post('/echo', (req, res) => {
    res.json({ body: req.body === undefined ? '(undefined)' : req.body });
  });
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    res.status(500).json({ status: err.status, type: err.type, message: err.message });
  };
  app.use(onError);
  out.server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  out.url = `http://127.0.0.1:${(out.server.address() as AddressInfo).port}/echo`;
  return out;
}

let standard: Served;
let ours: Served;
beforeAll(async () => {
  standard = await serve((fallback) => fallback);
  ours = await serve((fallback) => jsonBody(LIMIT, fallback));
});
afterAll(async () => {
  await Promise.all([standard, ours].map((s) => new Promise((r) => s.server.close(r))));
});

async function post(s: Served, body: Buffer, headers: Record<string, string>) {
  const res = await fetch(s.url, { method: 'POST', body: new Uint8Array(body), headers });
  return { status: res.status, body: await res.json() };
}

const jsonText = fc.oneof(
  fc.json(),
  fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))), // cut short
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\ufeff{"a":1}',
    '\ufeff',
    ' \n\t{"a": [1, 2]}',
    '  "text"',
    '12',
    'null',
    'true',
    '[1,',
    '{"a":1}}',
    '{"a":"\u00e9\ud83d\ude00"}',
  ),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON; Charset=UTF-8',
  'application/json;charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/vnd.api+json',
  'text/plain',
);

describe('jsonBody', () => {
  test('answers exactly as express.json for any body, type and encoding', async () => {
    await fc.assert(
      fc.asyncProperty(jsonText, contentType, fc.boolean(), fc.nat({ max: 3000 }), async (text, type, gzip, pad) => {
        // Some bodies are past the 2 KB limit: both must refuse them the same way.
        const padded = pad > 2500 && text.startsWith('{') ? `{"pad":"${'x'.repeat(pad)}",${text.slice(1)}` : text;
        const raw = Buffer.from(padded, 'utf8');
        const headers: Record<string, string> = { 'content-type': type };
        const body = gzip ? zlib.gzipSync(raw) : raw;
        if (gzip) headers['content-encoding'] = 'gzip';
        const [a, b] = await Promise.all([post(standard, body, headers), post(ours, body, headers)]);
        expect(b).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  test('reads plain JSON itself and hands everything else to express.json', async () => {
    const before = ours.fallbacks;
    const plain = Buffer.from('{"deals":[{"stage":"Proposal"}]}');
    for (const type of ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON'])
      expect((await post(ours, plain, { 'content-type': type })).body).toEqual({ body: { deals: [{ stage: 'Proposal' }] } });
    expect(ours.fallbacks).toBe(before);
    await post(ours, zlib.gzipSync(plain), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    await post(ours, plain, { 'content-type': 'text/plain' });
    await post(ours, Buffer.alloc(0), { 'content-type': 'application/json' });
    await post(ours, Buffer.from(`{"pad":"${'x'.repeat(3000)}"}`), { 'content-type': 'application/json' });
    expect(ours.fallbacks).toBe(before + 4);
  });

  test('reads limits as body-parser does', () => {
    expect(limitBytes('1mb')).toBe(1024 * 1024);
    expect(limitBytes('500KB')).toBe(500 * 1024);
    expect(limitBytes('2048b')).toBe(2048);
    expect(() => limitBytes('1 gb')).toThrow(/1mb/);
  });
});
