// Worker threads (the pool for CPU-heavy routes) run an entry file of their own, which must be found
// both when Salescast runs compiled (dist/workers/<name>.js, what `salescast serve` and `npm start`
// run) and when it runs from its TypeScript sources (Jest through ts-jest, `npm run dev` through
// tsx). A worker thread starts a fresh module system that neither ts-jest nor the parent's loader
// reaches, so for a .ts entry it preloads tsx's CommonJS hook itself.
//
//   const pool = new Piscina({ ...workerScript('forecast-worker'), maxThreads: 2 });
import fs from 'node:fs';
import path from 'node:path';

export interface WorkerScript {
  /** Absolute path of the worker's entry file (piscina's `filename`, or `new Worker(filename)`). */
  filename: string;
  /** Node options for the thread; undefined inherits the process's, as worker_threads does. */
  execArgv?: string[];
}

/** Whether this module (and so the whole program) runs from TypeScript sources rather than dist/. */
export const runningFromSources = path.extname(__filename) === '.ts';

/**
 * The entry file of worker `name` (a module in src/workers/, without extension) for the code
 * running now: dist/workers/<name>.js when compiled, src/workers/<name>.ts with tsx otherwise.
 * `dir` overrides the folder (tests).
 */
export function workerScript(name: string, dir: string = __dirname): WorkerScript {
  const filename = path.join(dir, `${name}${runningFromSources ? '.ts' : '.js'}`);
  if (!fs.existsSync(filename)) {
    throw new Error(`worker "${name}" not found at ${filename}${runningFromSources ? '' : ' (is dist/ built? npm run build)'}`);
  }
  if (!runningFromSources) return { filename };
  let tsx: string;
  try {
    tsx = require.resolve('tsx/cjs');
  } catch {
    throw new Error(`worker "${name}" runs from TypeScript sources, which needs tsx (a devDependency): run npm ci`);
  }
  return { filename, execArgv: ['--require', tsx] };
}
