// Liveness and readiness probes: public, never rate limited, cheap. Liveness answers even when the
// database does not (it reports it); readiness is 503 while the database is down or read-only
// (a server that cannot write cannot take imports, keys or training), and recovers by itself: a
// database known to be read-only is examined again at each probe.
import { healthRoute, readyRoute } from '../../contracts/health';
import type { DatabaseState } from '../../db/database';
import { databaseStatus } from '../../services/database-status';
import type { AppContext } from '../context';

const PROBLEMS: Record<Exclude<DatabaseState, 'up'>, string> = {
  down: 'the database does not answer: check that it runs and is reachable (DATABASE_URL)',
  'read-only': 'the database answers but cannot be written: check the file or server permissions (or a standby server)',
};

export function healthRoutes({ mount, services }: AppContext) {
  const probe = () => databaseStatus(services.db);

  mount(healthRoute, async () => ({ status: 'ok', database: await probe(), dialect: services.db.dialect }));

  mount(readyRoute, async ({ res }) => {
    const database = await probe();
    const models = services.models ? services.models.readiness() : [];
    const ready = database === 'up' && (services.models ? services.models.isReady() : true);
    if (!ready) res.setHeader('Retry-After', '5');
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      database,
      ...(database === 'up' ? {} : { databaseProblem: PROBLEMS[database] }),
      models,
    });
  });
}
