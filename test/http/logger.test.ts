// The server logger batches lines but never holds one longer than its flush interval.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { accessLogger, serverLogger, type AccessFields } from '../../src/http/logger';

test('a logged line reaches the destination within the flush interval, as JSON with the service name', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-log-')), 'out.log');
  const logger = serverLogger('info', { dest: file, flushEveryMs: 50 });
  logger.info({ requestId: 'r-1' }, 'request');
  logger.debug('below the level');
  expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').toBe(''); // buffered, not written per line
  // Waits for the periodic flush (polls: a loaded machine may be slow to run the timer).
  for (let i = 0; i < 100 && !(fs.existsSync(file) && fs.readFileSync(file, 'utf8')); i++) await new Promise((r) => setTimeout(r, 50));
  const lines = fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines).toEqual([expect.objectContaining({ level: 30, msg: 'request', requestId: 'r-1', service: 'salescast-api' })]);
});

test('access lines of the server logger are what pino itself writes: keys, order, escaping', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-log-')), 'access.log');
  const fast = serverLogger('info', { dest: file, flushEveryMs: 20 });
  const reference: string[] = [];
  const plain = pino({ level: 'info', base: { service: 'salescast-api' } }, { write: (l: string) => void reference.push(l) });
  const samples: AccessFields[] = [
    { requestId: 'crm-1', method: 'POST', path: '/v1/deals/score', status: 200, ms: 1.23, key: 'crm-frontend' },
    { requestId: 'x', method: 'GET', path: '/v1/"odd"\\path\u0001\u2028é', status: 404, ms: 0 },
  ];
  for (const f of samples) {
    accessLogger(fast)(f);
    accessLogger(plain)(f);
  }
  for (let i = 0; i < 100 && !(fs.existsSync(file) && fs.readFileSync(file, 'utf8').split('\n').length > samples.length); i++)
    await new Promise((r) => setTimeout(r, 20));
  const written = fs.readFileSync(file, 'utf8').trim().split('\n');
  expect(written).toHaveLength(samples.length);
  const withoutTime = (l: string) => l.replace(/"time":\d+,/, '');
  expect(written.map(withoutTime)).toEqual(reference.map((l) => withoutTime(l.trim())));
});
