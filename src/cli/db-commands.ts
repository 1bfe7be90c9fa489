import type { Command } from 'commander';
import { processIo, table, withDatabase } from './common';

export function registerDbCommands(program: Command) {
  program
    .command('migrate')
    .description(
      'Apply pending database migrations (SQLite by default, PostgreSQL when DATABASE_URL=postgresql://...). Safe to run repeatedly.',
    )
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { loadConfig } = await import('../config');
      const { migrate } = await import('../db/migrate');
      const config = loadConfig();
      const { applied, dialect } = await migrate(config.databaseUrl);
      if (opts.json) processIo.out(JSON.stringify({ dialect, applied }));
      else
        processIo.out(
          applied.length
            ? `Applied ${applied.length} migration(s) on ${dialect}: ${applied.join(', ')}`
            : `Database (${dialect}) is up to date.`,
        );
    });

  program
    .command('stats')
    .description('Row counts per table')
    .option('--json', 'print the counts as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { databaseRowCounts } = await import('../services/database-status');
      await withDatabase(async (db) => {
        const counts = await databaseRowCounts(db);
        if (opts.json) processIo.out(JSON.stringify({ dialect: db.dialect, tables: counts }, null, 2));
        else processIo.out(table(Object.entries(counts).map(([t, n]) => ({ table: t, rows: n }))));
      });
    });
}
