// The server around the app: refuses auth-less exposure, serves on a real socket, and drains
// in-flight requests on shutdown instead of cutting them off.
import http from 'node:http';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { checkServerConfig, isLoopback, startServer } from '../../src/http/server';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/db/database';
import { openModelRegistry } from '../../src/services/models/model-registry';
import { loadDemoData } from '../../src/services/demo-service';
import { trainWinModel } from '../../src/services/win/train-win-model';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase('sqlite');
});
afterAll(async () => tdb.cleanup());

const silent = pino({ level: 'silent' });

function send(port: number, opts: { method?: string; path: string; headers?: Record<string, string> }, body?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      { agent: false, host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers },
      (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
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
    const config = {
      ...loadConfig({ DATABASE_URL: tdb.url }),
      PORT: 0,
      HOST: '127.0.0.1',
      SALESCAST_AUTH_DISABLED: true,
      LOG_LEVEL: 'silent' as const,
    };
    const handle = await startServer(config, tdb.db, { logger: silent, handleSignals: false, trainers: {} });
    try {
      const res = await send(handle.port, { path: '/v1/training-jobs' });
      expect(res.status).toBe(200);
    } finally {
      await handle.close();
    }
  });

  test('an in-flight request finishes after shutdown starts; new connections are refused', async () => {
    const config = {
      ...loadConfig({ DATABASE_URL: tdb.url }),
      PORT: 0,
      HOST: '127.0.0.1',
      SALESCAST_AUTH_DISABLED: true,
      LOG_LEVEL: 'silent' as const,
    };
    const handle = await startServer(config, tdb.db, { logger: silent, handleSignals: false, trainers: {} });
    const body = JSON.stringify({ records: [{ externalId: 'S1', name: 'Slow Corp' }] });
    // Send the headers now and the body only after close() has begun: the request is in flight.
    const pending = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          agent: false,
          host: '127.0.0.1',
          port: handle.port,
          method: 'POST',
          path: '/v1/data/accounts',
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        },
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
        // The listening socket closes once connections already waiting in its backlog are taken
        // (two turns of the event loop, test/http/graceful-shutdown.test.ts); later ones are refused.
        await new Promise((r) => setTimeout(r, 20));
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

describe('hot reload', () => {
  test('a version promoted by another process is picked up by polling, with no failed request during the swap', async () => {
    const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-hot-'));
    const t = await createTestDatabase('sqlite');
    try {
      await loadDemoData(t.db, { seed: 21, accounts: 100, months: 18 });
      const opts = { modelsDir, algorithm: 'logistic' as const, minWon: 10, minLost: 10 };
      await trainWinModel(t.db, { ...opts, promote: 'always' });
      const v2 = await trainWinModel(t.db, { ...opts, promote: 'never', seed: 77 });
      const config = {
        ...loadConfig({ DATABASE_URL: t.url }),
        PORT: 0,
        HOST: '127.0.0.1',
        SALESCAST_AUTH_DISABLED: true,
        LOG_LEVEL: 'silent' as const,
        SALESCAST_MODELS_DIR: modelsDir,
        MODEL_REFRESH_SECONDS: 0.2,
        RATE_LIMIT_PER_MINUTE: 1_000_000,
      };
      const handle = await startServer(config, t.db, { logger: silent, handleSignals: false, trainers: {} });
      const body = JSON.stringify({ deals: [{ stage: 'Proposal', amount: 1000, createdAt: '2025-01-10' }] });
      const score = () =>
        send(handle.port, { method: 'POST', path: '/v1/deals/score', headers: { 'content-type': 'application/json' } }, body);
      try {
        const first = await score();
        expect(JSON.parse(first.body).scores[0].modelVersion).toBe(1);
        // "Another process": its own connection and registry, as a cron `salescast train win` would have.
        const other = openDatabase(t.url);
        await openModelRegistry(other, modelsDir).promote('win', v2.version!);
        await other.close();
        const statuses: number[] = [];
        let served = 1;
        for (let i = 0; i < 400 && served !== v2.version; i++) {
          const burst = await Promise.all([score(), score(), score()]);
          for (const r of burst) {
            statuses.push(r.status);
            if (r.status === 200) served = Math.max(served, JSON.parse(r.body).scores[0].modelVersion);
          }
        }
        expect(served).toBe(v2.version);
        expect(statuses.every((s) => s === 200)).toBe(true);
        const ready = JSON.parse((await send(handle.port, { path: '/ready' })).body);
        expect(ready.models[0]).toMatchObject({ name: 'win', state: 'loaded', version: v2.version });
        // Untrained customer models are reported, not hidden, and do not make the server unready.
        expect(ready.models.slice(1)).toEqual([
          expect.objectContaining({ name: 'churn', state: 'none' }),
          expect.objectContaining({ name: 'clv', state: 'none' }),
        ]);
        expect(ready.status).toBe('ready');
      } finally {
        await handle.close();
      }
    } finally {
      await t.cleanup();
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  });
});
