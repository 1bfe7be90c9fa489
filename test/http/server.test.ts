// The server around the app: refuses auth-less exposure, serves on a real socket, and drains
// in-flight requests on shutdown instead of cutting them off.
import http from 'node:http';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { checkServerConfig, isLoopback, startServer } from '../../src/http/server';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase('sqlite');
});
afterAll(async () => tdb.cleanup());

const silent = pino({ level: 'silent' });

function send(port: number, opts: { method?: string; path: string; headers?: Record<string, string> }, body?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ agent: false, host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

describe('starting the server', () => {
  test('loopback addresses are recognised', () => {
    expect(['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.5', '::', 'api.example.com'].some(isLoopback)).toBe(false);
  });

  test('refuses to run without authentication on a non-loopback address', () => {
    expect(() => checkServerConfig({ HOST: '0.0.0.0', SALESCAST_AUTH_DISABLED: true })).toThrow(/only allowed on a loopback HOST/);
    expect(() => checkServerConfig({ HOST: '127.0.0.1', SALESCAST_AUTH_DISABLED: true })).not.toThrow();
    expect(() => checkServerConfig({ HOST: '0.0.0.0', SALESCAST_AUTH_DISABLED: false })).not.toThrow();
  });

  test('dev mode on loopback lets callers in without a key', async () => {
    const config = { ...loadConfig({ DATABASE_URL: tdb.url }), PORT: 0, HOST: '127.0.0.1', SALESCAST_AUTH_DISABLED: true, LOG_LEVEL: 'silent' as const };
    const handle = await startServer(config, tdb.db, { logger: silent, handleSignals: false, trainers: {} });
    try {
      const res = await send(handle.port, { path: '/v1/training-jobs' });
      expect(res.status).toBe(200);
    } finally {
      await handle.close();
    }
  });

  test('an in-flight request finishes after shutdown starts; new connections are refused', async () => {
    const config = { ...loadConfig({ DATABASE_URL: tdb.url }), PORT: 0, HOST: '127.0.0.1', SALESCAST_AUTH_DISABLED: true, LOG_LEVEL: 'silent' as const };
    const handle = await startServer(config, tdb.db, { logger: silent, handleSignals: false, trainers: {} });
    const body = JSON.stringify({ records: [{ externalId: 'S1', name: 'Slow Corp' }] });
    // Send the headers now and the body only after close() has begun: the request is in flight.
    const pending = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { agent: false, host: '127.0.0.1', port: handle.port, method: 'POST', path: '/v1/data/accounts', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } },
        (res) => {
          let data = '';
          res.on('data', (c) => (data += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(async () => {
        const closing = handle.close();
        await expect(send(handle.port, { path: '/health' })).rejects.toThrow();
        req.end(body.slice(10));
        await closing;
      }, 50);
    });
    const res = await pending;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).counts.accounts.inserted).toBe(1);
  });
});
