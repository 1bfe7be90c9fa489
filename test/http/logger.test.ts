// The server logger batches lines but never holds one longer than its flush interval.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverLogger } from '../../src/http/logger';

test('a logged line reaches the destination within the flush interval, as JSON with the service name', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-log-')), 'out.log');
  const logger = serverLogger('info', { dest: file, flushEveryMs: 50 });
  logger.info({ requestId: 'r-1' }, 'request');
  logger.debug('below the level');
  expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').toBe(''); // buffered, not written per line
  // Waits for the periodic flush (polls: a loaded machine may be slow to run the timer).
  for (let i = 0; i < 100 && !(fs.existsSync(file) && fs.readFileSync(file, 'utf8')); i++) await new Promise((r) => setTimeout(r, 50));
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(lines).toEqual([expect.objectContaining({ level: 30, msg: 'request', requestId: 'r-1', service: 'salescast-api' })]);
});
