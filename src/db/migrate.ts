// Applies Prisma migrations offline through @prisma/schema-engine-wasm (the Prisma CLI's native
// schema engine cannot be downloaded on every machine). It writes `_prisma_migrations` exactly as
// `prisma migrate deploy` does, so a database migrated here is an ordinary Prisma database.
// Facts behind the workarounds: ../shared/notes/prisma-offline-migrations.md.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
} from '@prisma/driver-adapter-utils';
import { AppError } from '../errors';
import { dialectOf, sqliteFileFromUrl } from './database';
import { keepPoolAlive, type Dialect } from './sql';

const ROOT = path.resolve(__dirname, '..', '..');
export const schemaDir = (dialect: Dialect) => path.join(ROOT, 'prisma', dialect);

/**
 * Loads the engine's wasm-bindgen glue (an ES module of plain `export function`/`export class`
 * declarations, no imports) as a CommonJS function scope. A real `import()` would work under plain
 * Node, but not inside Jest's VM contexts, and the product's own tests must run real migrations.
 * The package version is pinned exactly, and an unexpected shape fails loudly here.
 */
function loadGlueModule(file: string): WebAssembly.ModuleImports {
  const source = fs.readFileSync(file, 'utf8');
  const names: string[] = [];
  const body = source.replace(/^export (function|class) ([\w$]+)/gm, (_m, kind: string, name: string) => {
    names.push(name);
    return `${kind} ${name}`;
  });
  if (names.length === 0 || /^\s*(import|export)\b/m.test(body)) {
    throw new AppError(
      'MIGRATION_FAILED',
      `Unexpected layout of ${file}; is @prisma/schema-engine-wasm pinned to the version in package.json?`,
    );
  }
  for (const name of ['SchemaEngine', '__wbg_set_wasm']) {
    if (!names.includes(name))
      throw new AppError('MIGRATION_FAILED', `${file} does not define ${name}; is @prisma/schema-engine-wasm pinned?`);
  }
  return new Function(`${body}\nreturn { ${names.join(', ')} };`)() as WebAssembly.ModuleImports;
}

type SchemaEngine = {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string }>;
  free(): void;
};

/** The parts of the wasm-bindgen glue this file calls. */
interface SchemaEngineGlue {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  SchemaEngine: {
    new: (params: { datamodels: [string, string][] }, log: (msg: string) => void, adapter: unknown) => Promise<SchemaEngine>;
  };
}

// The wasm-bindgen glue caches views of the wasm memory in module state, so it must be
// instantiated once per process: a second instance behind the same glue module reads garbage.
let gluePromise: Promise<SchemaEngineGlue> | undefined;
function loadGlue(): Promise<SchemaEngineGlue> {
  gluePromise ??= instantiateGlue();
  return gluePromise;
}

async function instantiateGlue(): Promise<SchemaEngineGlue> {
  const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
  const imports = loadGlueModule(path.join(dir, 'schema_engine_bg.js'));
  const bytes = fs.readFileSync(path.join(dir, 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': imports });
  const glue = imports as unknown as SchemaEngineGlue; // loadGlueModule checked both names exist
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

/**
 * A pool whose query results report pg's "char" (OID 18) as text: adapter-pg does not understand
 * "char", and the schema describer selects it. Every overload of query() is forwarded unchanged.
 */
function charAsTextPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
    const result = query(...args);
    if (!result || typeof (result as PromiseLike<unknown>).then !== 'function') return result; // the callback form
    return (result as Promise<pg.QueryResult>).then((r) => {
      for (const f of r.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25;
      return r;
    });
  };
  return pool;
}

function sqliteFactory(file: string): SqlMigrationAwareDriverAdapterFactory {
  const factory = new PrismaBetterSqlite3({ url: file }, { timestampFormat: 'iso8601' });
  const connectShadow = factory.connectToShadowDb.bind(factory);
  // The engine sends whole multi-statement scripts to the shadow database through executeRaw;
  // better-sqlite3 only runs one statement per prepare, so route argument-less scripts to executeScript.
  // The engine asks for `locking_mode=EXCLUSIVE`, which in WAL mode fails whenever any other process
  // has the database open (a running server, a cron job), surfacing as an obscure SocketTimeout.
  // Migrations still run in transactions, and concurrent `migrate` runs are serialized by
  // withMigrationLock below, so the pragma is skipped.
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const executeRaw = adapter.executeRaw.bind(adapter);
    adapter.executeRaw = async (q: SqlQuery) => (/^\s*PRAGMA\s+main\.locking_mode\s*=\s*EXCLUSIVE/i.test(q.sql) ? 0 : executeRaw(q));
    return adapter;
  };
  factory.connectToShadowDb = async () => {
    const adapter = await connectShadow();
    const executeRaw = adapter.executeRaw.bind(adapter);
    adapter.executeRaw = async (q: SqlQuery) => {
      if ((!q.args || q.args.length === 0) && q.sql.trim().replace(/;\s*$/, '').includes(';')) {
        await adapter.executeScript(q.sql);
        return 0;
      }
      return executeRaw(q);
    };
    return adapter;
  };
  return factory;
}

function pgShadowUrl(url: string): string {
  const u = new URL(url);
  u.pathname = `${u.pathname.replace(/^\//, '')}_prisma_shadow`.replace(/^/, '/');
  return u.toString();
}

function pgFactory(url: string, pools: pg.Pool[]): SqlMigrationAwareDriverAdapterFactory {
  const pool = charAsTextPool({ connectionString: url, max: 2 });
  // A connection dropped between statements must not crash the run; one dropped mid-statement
  // fails that statement, and the migration reports it.
  keepPoolAlive(pool);
  pools.push(pool);
  const factory = new PrismaPg(pool);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => wholeScripts(await connect(), pool);
  factory.connectToShadowDb = async () => {
    const shadowUrl = pgShadowUrl(url);
    const dbName = new URL(shadowUrl).pathname.slice(1);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}"`);
      await admin.query(`CREATE DATABASE "${dbName}"`);
    } finally {
      await admin.end();
    }
    const shadowPool = charAsTextPool({ connectionString: shadowUrl, max: 2 });
    keepPoolAlive(shadowPool);
    pools.push(shadowPool);
    return wholeScripts(await new PrismaPg(shadowPool).connect(), shadowPool);
  };
  return factory;
}

/**
 * adapter-pg runs a script by splitting it at every ';', which cuts function bodies ($$ ... $$,
 * the data_version triggers) apart. The whole migration goes to the server as one simple query
 * instead, as the Prisma CLI sends it (which also makes it one implicit transaction); errors are
 * reported through the adapter's own conversion, as before.
 */
function wholeScripts<A extends { executeScript(script: string): Promise<void> }>(adapter: A, pool: pg.Pool): A {
  const convert = (adapter as unknown as { onError(e: unknown): never }).onError.bind(adapter);
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (e) {
      convert(e);
    }
  };
  return adapter;
}

export function loadMigrationsList(dialect: Dialect) {
  const baseDir = path.join(schemaDir(dialect), 'migrations');
  const lockPath = path.join(baseDir, 'migration_lock.toml');
  const dirs = fs.existsSync(baseDir)
    ? fs
        .readdirSync(baseDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null },
    migrationDirectories: dirs.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: fs.readFileSync(path.join(baseDir, name, 'migration.sql'), 'utf8') },
      },
    })),
    shadowDbInitScript: '',
  };
}

const filters = { externalTables: [], externalEnums: [] };

async function withEngine<T>(
  url: string,
  fn: (engine: SchemaEngine, dialect: Dialect) => Promise<T>,
  log?: (m: string) => void,
): Promise<T> {
  const dialect = dialectOf(url);
  const glue = await loadGlue();
  const pools: pg.Pool[] = [];
  let factory: SqlMigrationAwareDriverAdapterFactory;
  if (dialect === 'sqlite') {
    const file = sqliteFileFromUrl(url);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    factory = sqliteFactory(file);
  } else {
    factory = pgFactory(url, pools);
  }
  const schemaPath = path.join(schemaDir(dialect), 'schema.prisma');
  const datamodel = fs.readFileSync(schemaPath, 'utf8');
  const engine: SchemaEngine = await glue.SchemaEngine.new(
    { datamodels: [[schemaPath, datamodel]] },
    (msg: string) => log?.(msg),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  try {
    return await fn(engine, dialect);
  } finally {
    engine.free();
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  }
}

function describeEngineError(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  try {
    const parsed = JSON.parse(raw);
    return parsed.message ?? raw;
  } catch {
    return raw;
  }
}

/** One SQLite migrator at a time (PostgreSQL serializes with the engine's advisory lock). */
async function withMigrationLock<T>(url: string, fn: () => Promise<T>): Promise<T> {
  if (dialectOf(url) !== 'sqlite') return fn();
  const lockPath = `${sqliteFileFromUrl(url)}.migrate-lock`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lockPath, 'utf8')) || 0;
      let alive = false;
      try {
        if (holder) process.kill(holder, 0);
        alive = holder > 0;
      } catch {
        alive = false;
      }
      if (!alive) fs.rmSync(lockPath, { force: true });
      else if (Date.now() > deadline)
        throw new AppError('MIGRATION_FAILED', `Another migrate (pid ${holder}) holds ${lockPath}; try again when it finishes.`);
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockPath, { force: true });
  }
}

/** Applies pending migrations; idempotent. Refuses (MIGRATION_FAILED) when a migration failed before or fails now. */
export async function migrate(url: string, log?: (m: string) => void): Promise<{ applied: string[]; dialect: Dialect }> {
  return withMigrationLock(url, () => migrateUnlocked(url, log));
}

async function migrateUnlocked(url: string, log?: (m: string) => void): Promise<{ applied: string[]; dialect: Dialect }> {
  try {
    return await withEngine(
      url,
      async (engine, dialect) => {
        const migrationsList = loadMigrationsList(dialect);
        const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters });
        return { applied: appliedMigrationNames, dialect };
      },
      log,
    );
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('MIGRATION_FAILED', `Migration failed: ${describeEngineError(e)}`, [], { cause: e });
  }
}

/** SQL that takes the current migrations to the current schema (used to write a new migration). */
export async function diffMigrationsToSchema(url: string): Promise<string> {
  return withEngine(url, async (engine, dialect) => {
    const migrationsList = loadMigrationsList(dialect);
    const schemaPath = path.join(schemaDir(dialect), 'schema.prisma');
    const from = migrationsList.migrationDirectories.length ? { tag: 'migrations', ...migrationsList } : { tag: 'empty' };
    const r = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: fs.readFileSync(schemaPath, 'utf8') }] },
      script: true,
      exitCode: null,
      shadowDatabaseUrl: null,
      filters,
    });
    return r.stdout;
  });
}
