// What the HTTP benchmarks (bench:api, bench:load) serve, prepared in a setup process of their own
// so the server process under test only opens the database and loads the active model, as
// `salescast serve` would: a temporary SQLite database with the demo company, a logistic deal-win
// model promoted (or the stage baseline, saying why training refused) and a scores:read API key.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
/** A module of the compiled build, typed as its source: `salescast serve` runs dist/, not src/. */
export const fromDist = <M>(mod: string): M => require(path.join(ROOT, 'dist', mod)) as M;

export interface ServedDemo {
  dir: string;
  url: string;
  modelsDir: string;
  key: string;
  /** The model served, e.g. "logistic v1" or "stage baseline (training refused: …)". */
  model: string;
  /** "N accounts, M deals". */
  counts: string;
}

export async function prepareServedDemo(tmpPrefix: string, demo: { seed: number; accounts: number; months: number }): Promise<ServedDemo> {
  const { openDatabase } = fromDist<typeof import('../src/db/database')>('db/database');
  const { migrate } = fromDist<typeof import('../src/db/migrate')>('db/migrate');
  const { loadDemoData } = fromDist<typeof import('../src/services/demo-service')>('services/demo-service');
  const { trainWinModel } = fromDist<typeof import('../src/services/win/train-win-model')>('services/win/train-win-model');
  const { createApiKey } = fromDist<typeof import('../src/services/api-keys/api-keys')>('services/api-keys/api-keys');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  const url = `file:${path.join(dir, 'bench.db')}`;
  const modelsDir = path.join(dir, 'models');
  await migrate(url);
  const db = openDatabase(url);
  const loaded = await loadDemoData(db, demo);
  let model = 'stage baseline';
  try {
    const t = await trainWinModel(db, { modelsDir, algorithm: 'logistic', promote: 'always' });
    model = `${t.algorithm} v${t.version}`;
  } catch (e) {
    model = `stage baseline (training refused: ${e instanceof Error ? e.message : String(e)})`;
  }
  const { key } = await createApiKey(db, { name: 'bench', scopes: 'scores:read' });
  await db.close();
  const counts = `${loaded.records.accounts} accounts, ${loaded.records.opportunities} deals`;
  return { dir, url, modelsDir, key, model, counts };
}
