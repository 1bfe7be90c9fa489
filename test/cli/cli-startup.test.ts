// What each command loads at start-up (the compiled CLI, as users run it). `salescast --help`
// must not load the database layer, the models or the server at all; `stats` and `score deals`
// only what they need. Each command group is loaded only when one of its commands runs, so the
// table of groups in src/cli.ts must name exactly the commands each group registers.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { buildProgram, COMMAND_GROUPS, invokedCommand } from '../../src/cli';
import { loadDemoData } from '../../src/services/demo-service';
import { trainWinModel } from '../../src/services/win/train-win-model';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'salescast.js');

describe('the command table', () => {
  test('each group registers exactly the top-level commands listed for it', () => {
    for (const group of COMMAND_GROUPS) {
      const program = new Command();
      // Shared parents (train, score) are get-or-create: a group alone creates them itself.
      group.load()(program);
      expect(program.commands.map((c) => c.name()).sort()).toEqual([...group.commands].sort());
    }
  });

  test('a command runs with its own groups only; help and unknown commands get them all', () => {
    const names = (argv: string[]) => buildProgram(['node', 'salescast', ...argv]).commands.map((c) => c.name());
    const all = buildProgram().commands.map((c) => c.name());
    expect(names(['stats', '--json'])).toEqual(['migrate', 'stats']);
    expect(
      buildProgram(['node', 'salescast', 'score', 'deals'])
        .commands.find((c) => c.name() === 'score')!
        .commands.map((c) => c.name()),
    ).toEqual(['deals', 'customers']);
    expect(names(['help', 'forecast'])).toEqual(['forecast']);
    expect(names(['--help'])).toEqual(all);
    expect(names(['stat'])).toEqual(all);
    expect(invokedCommand(['node', 'salescast', '--json', 'report', 'funnel'])).toBe('report');
  });
});

describe('modules loaded by the compiled CLI', () => {
  let t: TestDatabase;
  let dir: string;
  let preload: string;

  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-startup-'));
    // Loaded with -r before the CLI: on exit, writes every module the process loaded.
    preload = path.join(dir, 'record-modules.js');
    fs.writeFileSync(
      preload,
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.MODULES_OUT, Object.keys(require.cache).join('\\n')));\n",
    );
    await loadDemoData(t.db, { seed: 5, accounts: 120, months: 18, asOf: new Date('2026-03-01') });
    await trainWinModel(t.db, {
      modelsDir: path.join(dir, 'models'),
      algorithm: 'logistic',
      promote: 'always',
      asOf: new Date('2026-03-01'),
    });
  }, 300_000);
  afterAll(async () => {
    await t.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function loaded(...args: string[]): string[] {
    const out = path.join(dir, `modules-${args.join('-')}.txt`);
    const r = spawnSync(process.execPath, ['-r', preload, CLI, ...args], {
      env: { ...process.env, DATABASE_URL: t.url, SALESCAST_MODELS_DIR: path.join(dir, 'models'), MODULES_OUT: out },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return fs
      .readFileSync(out, 'utf8')
      .split('\n')
      .map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
  }
  const matching = (files: string[], re: RegExp) => files.filter((f) => re.test(f));

  // The database drivers and Prisma, zod, TensorFlow.js, the HTTP server.
  const HEAVY = /^node_modules\/(better-sqlite3|pg|@prisma|zod|@tensorflow|express|pino)\//;

  test('--help loads the command descriptions only: no database layer, services, models or server', () => {
    const files = loaded('--help');
    expect(files).toContain('dist/cli.js'); // the compiled code, not the sources
    expect(matching(files, /^src\//)).toEqual([]);
    expect(matching(files, HEAVY)).toEqual([]);
    expect(matching(files, /^dist\/(db|ml|http|services\/(?!analytics\/report-names|api-keys\/scopes))/)).toEqual([]);
    // Besides the command files, only leaf modules (no imports) that hold names shown in the help.
    const others = files.filter((f) => f.startsWith('dist/') && !/^dist\/cli(\.js|\/)/.test(f));
    expect(others.filter((f) => /\brequire\(/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')))).toEqual([]);
  });

  test('stats loads the SQLite driver and its SQL, not Prisma, the models or the server', () => {
    const files = loaded('stats', '--json');
    expect(files).toContain('dist/db/sql.js');
    expect(matching(files, /^node_modules\/better-sqlite3\//).length).toBeGreaterThan(0);
    expect(matching(files, /^node_modules\/(pg|@prisma|zod|@tensorflow|express|pino)\//)).toEqual([]);
    // The CLI reaches the row counts through a service (no repository in src/cli); database-status
    // imports only the stats repository.
    expect(matching(files, /^dist\/services\//)).toEqual(['dist/services/database-status.js']);
    expect(matching(files, /^dist\/(ml|http|cli\/(?!db-commands|common))/)).toEqual([]);
  });

  test('score deals loads the deal-win scoring, not Prisma, PostgreSQL, zod, TensorFlow.js or the server', () => {
    const files = loaded('score', 'deals', '--as-of', '2026-03-01', '--json');
    expect(files).toContain('dist/services/win/score-deals.js');
    expect(matching(files, /^node_modules\/(pg|@prisma|zod|@tensorflow|express|pino)\//)).toEqual([]);
    expect(matching(files, /^dist\/(http|db\/migrate|services\/(customers|forecast|analytics))/)).toEqual([]);
  });
});
