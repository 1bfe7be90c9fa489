// A worker's entry file is found from the sources (here, under ts-jest: the .ts file, run in the
// thread through tsx) and from the compiled build (dist/: the .js file, no loader), and runs in a
// piscina pool either way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { runningFromSources, workerScript } from '../../src/workers/worker-script';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'workers');

async function runInPool(script: { filename: string; execArgv?: string[] }, task: unknown) {
  const pool = new Piscina({ ...script, maxThreads: 1, minThreads: 0 });
  try {
    return await pool.run(task);
  } finally {
    await pool.destroy();
  }
}

describe('workerScript', () => {
  test('from the TypeScript sources: the .ts entry, run in a worker thread through tsx', async () => {
    expect(runningFromSources).toBe(true);
    const script = workerScript('echo-worker', FIXTURES);
    expect(script.filename).toBe(path.join(FIXTURES, 'echo-worker.ts'));
    expect(script.execArgv).toEqual(['--require', require.resolve('tsx/cjs')]);
    const r = await runInPool(script, { n: 21 });
    expect(r).toEqual({ doubled: 42, isMainThread: false, threadId: expect.any(Number), error: 'INVALID_INPUT' });
  });

  test('compiled: the .js entry next to the compiled helper, no loader', async () => {
    const compiled = require(path.join(ROOT, 'dist', 'workers', 'worker-script.js')) as typeof import('../../src/workers/worker-script');
    expect(compiled.runningFromSources).toBe(false);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-worker-'));
    try {
      fs.writeFileSync(path.join(dir, 'echo-worker.js'), "module.exports = ({ n }) => ({ doubled: n * 2, from: 'js' });\n");
      const script = compiled.workerScript('echo-worker', dir);
      expect(script).toEqual({ filename: path.join(dir, 'echo-worker.js') });
      expect(await runInPool(script, { n: 4 })).toEqual({ doubled: 8, from: 'js' });
      // By default a worker is looked up beside the compiled helper, in dist/workers/.
      expect(() => compiled.workerScript('no-such-worker')).toThrow(path.join(ROOT, 'dist', 'workers', 'no-such-worker.js'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing worker is named with the path looked at', () => {
    expect(() => workerScript('no-such-worker')).toThrow(
      `worker "no-such-worker" not found at ${path.join(ROOT, 'src', 'workers', 'no-such-worker.ts')}`,
    );
  });
});
