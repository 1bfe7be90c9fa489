// `npm start`: migrate, load demo data into an empty database, then serve.
import { loadConfig } from './config';
import { openDatabase, tableCounts } from './db/database';
import { migrate } from './db/migrate';
import { createApp } from './http/app';

async function main() {
  const config = loadConfig();
  const log = (msg: string) => process.stderr.write(`[salescast] ${msg}\n`);
  const { applied, dialect } = await migrate(config.databaseUrl);
  log(applied.length ? `applied ${applied.length} migration(s) on ${dialect}` : `database (${dialect}) up to date`);
  const db = openDatabase(config.databaseUrl);
  const counts = await tableCounts(db);
  log(`accounts: ${counts.account}, opportunities: ${counts.opportunity}`);
  const app = createApp({ db });
  const server = app.listen(config.PORT, config.HOST, () => log(`listening on http://${config.HOST}:${config.PORT}`));
  const stop = () => server.close(() => db.close().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  process.stderr.write(`[salescast] failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
