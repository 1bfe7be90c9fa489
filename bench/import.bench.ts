// npm run bench:import [-- --rows N]: imports N generated opportunities (plus the accounts, reps and
// products they reference) through the real import path (CSV → mapping → zod → upsert) into a temp
// SQLite database, and inserts the same rows with raw better-sqlite3 in one transaction in the same
// run as the ceiling. Prints rows/s, peak RSS and the ratio (goal: import within 3x of raw).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../src/db/database';
import { migrate } from '../src/db/migrate';
import { importFile } from '../src/services/import/import-file';
import { positiveIntArg as arg } from './args';
import { createRng } from '../src/math/random';
import { DAY_MS } from '../src/math/time';

const ROWS = arg('rows', 1_000_000);
const SEED = arg('seed', 42);
const ACCOUNTS = Math.max(10, Math.min(50_000, Math.round(ROWS / 20)));
const REPS = 200;
const PRODUCTS = 50;
const STAGES = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Won', 'Lost'];

interface Opp {
  id: string;
  account: number;
  rep: number;
  product: number;
  amount: number;
  stage: string;
  outcome: string;
  created: string;
  closed: string;
}

function* opportunities(n: number): Generator<Opp> {
  // A seeded generator so every run writes the same file.
  const r = createRng(SEED, 'mulberry32');
  const start = Date.UTC(2022, 0, 1);
  for (let i = 0; i < n; i++) {
    const stage = STAGES[Math.floor(r.next() * STAGES.length)];
    const created = start + Math.floor(r.next() * 900) * DAY_MS;
    const outcome = stage === 'Won' ? 'won' : stage === 'Lost' ? 'lost' : 'open';
    yield {
      id: `OPP-${i + 1}`,
      account: 1 + Math.floor(r.next() * ACCOUNTS),
      rep: 1 + Math.floor(r.next() * REPS),
      product: 1 + Math.floor(r.next() * PRODUCTS),
      amount: Math.round(r.next() * 100000) / 100,
      stage,
      outcome,
      created: new Date(created).toISOString().slice(0, 10),
      closed: outcome === 'open' ? '' : new Date(created + Math.floor(1 + r.next() * 120) * DAY_MS).toISOString().slice(0, 10),
    };
  }
}

function writeFiles(dir: string) {
  fs.writeFileSync(
    path.join(dir, 'accounts.csv'),
    'external_id,name,segment\n' +
      Array.from({ length: ACCOUNTS }, (_, i) => `ACC-${i + 1},"Account ${i + 1}, Inc.",${['SMB', 'Mid', 'Enterprise'][i % 3]}`).join(
        '\n',
      ) +
      '\n',
  );
  fs.writeFileSync(
    path.join(dir, 'reps.csv'),
    `external_id,name,team\n${Array.from({ length: REPS }, (_, i) => `REP-${i + 1},Rep ${i + 1},Team ${i % 10}`).join('\n')}\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'products.csv'),
    'external_id,name,list_price\n' +
      Array.from({ length: PRODUCTS }, (_, i) => `PRD-${i + 1},Product ${i + 1},${(i + 1) * 100}`).join('\n') +
      '\n',
  );
  const fd = fs.openSync(path.join(dir, 'opportunities.csv'), 'w');
  fs.writeSync(fd, 'external_id,account_id,rep_id,product_id,amount,stage,outcome,created_at,closed_at\n');
  let buf = '';
  for (const o of opportunities(ROWS)) {
    buf += `${o.id},ACC-${o.account},REP-${o.rep},PRD-${o.product},${o.amount},${o.stage},${o.outcome},${o.created},${o.closed}\n`;
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
const cpuSec = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
let lastProgress = 0;
function progress(done: number) {
  if (!process.stderr.isTTY || Date.now() - lastProgress < 200) return;
  lastProgress = Date.now();
  process.stderr.write(`\rimporting ${done.toLocaleString('en-US')} / ${ROWS.toLocaleString('en-US')}`);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-bench-import-'));
  try {
    console.log(
      `salescast import benchmark: ${ROWS.toLocaleString('en-US')} opportunities, ${ACCOUNTS.toLocaleString('en-US')} accounts, ${REPS} reps, ${PRODUCTS} products (seed ${SEED})`,
    );
    writeFiles(dir);
    const url = `file:${path.join(dir, 'import.db')}`;
    await migrate(url);
    const rawUrl = `file:${path.join(dir, 'raw.db')}`;
    await migrate(rawUrl);

    const db = openDatabase(url);
    for (const kind of ['accounts', 'reps', 'products'] as const) await importFile(db, { kind, file: path.join(dir, `${kind}.csv`) });
    const rssBefore = peakRssMb();
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const res = await importFile(db, { kind: 'opportunities', file: path.join(dir, 'opportunities.csv'), onProgress: progress });
    const importCpu = cpuSec(process.cpuUsage(c0));
    const importSec = Number(process.hrtime.bigint() - t0) / 1e9;
    if (process.stderr.isTTY) process.stderr.write('\n');
    const importPeak = peakRssMb();
    await db.close();
    if (res.inserted !== ROWS) throw new Error(`expected ${ROWS} inserted, got ${JSON.stringify(res)}`);

    // The ceiling: the same rows, foreign keys already resolved, one prepared INSERT in one transaction.
    const raw = new BetterSqlite3(path.join(dir, 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    const now = new Date().toISOString().replace('Z', '+00:00');
    const ins = (t: string, cols: string[]) =>
      raw.prepare(`INSERT INTO ${t} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    const t1 = process.hrtime.bigint();
    raw.transaction(() => {
      const a = ins('account', ['external_id', 'name', 'created_at', 'updated_at']);
      for (let i = 1; i <= ACCOUNTS; i++) a.run(`ACC-${i}`, `Account ${i}`, now, now);
      const r = ins('rep', ['external_id', 'name', 'created_at', 'updated_at']);
      for (let i = 1; i <= REPS; i++) r.run(`REP-${i}`, `Rep ${i}`, now, now);
      const p = ins('product', ['external_id', 'name', 'created_at', 'updated_at']);
      for (let i = 1; i <= PRODUCTS; i++) p.run(`PRD-${i}`, `Product ${i}`, now, now);
    })();
    const t2 = process.hrtime.bigint();
    const c2 = process.cpuUsage();
    const iso = (d: string) => (d ? `${d}T00:00:00.000+00:00` : null);
    raw.transaction(() => {
      const o = ins('opportunity', [
        'external_id',
        'account_id',
        'rep_id',
        'product_id',
        'amount',
        'discount',
        'stage',
        'outcome',
        'created_at',
        'closed_at',
        'updated_at',
      ]);
      for (const x of opportunities(ROWS))
        o.run(x.id, x.account, x.rep, x.product, x.amount, 0, x.stage, x.outcome, iso(x.created), iso(x.closed), now);
    })();
    const rawCpu = cpuSec(process.cpuUsage(c2));
    const rawSec = Number(process.hrtime.bigint() - t2) / 1e9;
    void t1;
    raw.close();

    const rate = (s: number) => Math.round(ROWS / s).toLocaleString('en-US');
    console.log(
      `import (CSV → mapping → zod → upsert, one transaction): ${importSec.toFixed(2)} s wall, ${rate(importSec)} rows/s; ${importCpu.toFixed(2)} s CPU, ${rate(importCpu)} rows/CPU-s; peak RSS ${importPeak.toFixed(0)} MB (${rssBefore.toFixed(0)} MB before the import)`,
    );
    console.log(
      `raw better-sqlite3 INSERT of the same rows:             ${rawSec.toFixed(2)} s wall, ${rate(rawSec)} rows/s; ${rawCpu.toFixed(2)} s CPU, ${rate(rawCpu)} rows/CPU-s`,
    );
    console.log(
      `ratio import/raw: ${(importSec / rawSec).toFixed(2)}x wall, ${(importCpu / rawCpu).toFixed(2)}x CPU (goal: within 3x; CPU time is the fairer figure on a shared machine)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
