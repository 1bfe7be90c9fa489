// Opens the database named by the configuration: embedded SQLite (default) or PostgreSQL.
// One Database carries the raw SQL runner every repository (src/db/repositories/) queries through,
// and the Prisma client, which src/ does not query with (see docs/development.md, "Where SQL
// lives"): tests and scripts use it, e.g. to check that rows written by raw SQL read back through
// Prisma. Both point at the same data.
// The Prisma client and the driver of the other dialect are loaded on first use: a command that
// only runs SQL (`salescast stats`) does not pay for loading them (~100 ms together).
import fs from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '../generated/sqlite/client';
import { PgSql, SqliteSql, type ConnectionLostHandler, type Dialect, type Sql } from './sql';

export type { PrismaClient };
export type { DatabaseState } from './sql';

export interface Database {
  readonly dialect: Dialect;
  readonly url: string;
  readonly prisma: PrismaClient;
  readonly sql: Sql;
  /** Reports idle connections the database server dropped (PostgreSQL; the pools reconnect on their own). */
  onConnectionLost(handler: ConnectionLostHandler): void;
  close(): Promise<void>;
}

export function sqliteFileFromUrl(url: string): string {
  const file = url.replace(/^file:/, '').replace(/\?.*$/, '');
  return path.resolve(file);
}

export function dialectOf(url: string): Dialect {
  return url.startsWith('file:') ? 'sqlite' : 'postgresql';
}

export function openDatabase(url: string): Database {
  if (dialectOf(url) === 'sqlite') {
    const file = sqliteFileFromUrl(url);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const sql = new SqliteSql(file);
    let prisma: PrismaClient | undefined;
    return {
      dialect: 'sqlite',
      url,
      get prisma() {
        if (!prisma) {
          const { PrismaClient } = require('../generated/sqlite/client') as typeof import('../generated/sqlite/client');
          const { PrismaBetterSqlite3 } = require('@prisma/adapter-better-sqlite3') as typeof import('@prisma/adapter-better-sqlite3');
          prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: 15000 }, { timestampFormat: 'iso8601' }) });
        }
        return prisma;
      },
      sql,
      onConnectionLost() {},
      async close() {
        await prisma?.$disconnect();
        await sql.close();
      },
    };
  }
  const sql = new PgSql(url);
  let prisma: PrismaClient | undefined;
  // Once close() has begun, a connection ending is expected (a pool's end() can resolve before the
  // server has seen every goodbye), so it is not reported; our own pool checks pool.ending for that.
  let closing = false;
  return {
    dialect: 'postgresql',
    url,
    get prisma() {
      if (!prisma) {
        const { PrismaClient } = require('../generated/postgresql/client') as typeof import('../generated/postgresql/client');
        const { PrismaPg } = require('@prisma/adapter-pg') as typeof import('@prisma/adapter-pg');
        // Prisma's pool listens for idle-connection errors itself; report them the same way as ours.
        const adapter = new PrismaPg(
          { connectionString: url },
          {
            onPoolError: (err) => {
              if (!closing) sql.onConnectionLost(err);
            },
          },
        );
        prisma = new PrismaClient({ adapter }) as unknown as PrismaClient;
      }
      return prisma;
    },
    sql,
    onConnectionLost(handler) {
      sql.onConnectionLost = handler;
    },
    async close() {
      closing = true;
      await prisma?.$disconnect();
      await sql.close();
    },
  };
}
