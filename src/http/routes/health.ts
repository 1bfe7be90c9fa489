// Liveness and readiness probes: public, never rate limited, cheap.
import { healthRoute, readyRoute } from '../../contracts/health';
import { databaseStatus } from '../../services/database-status';
import type { AppContext } from '../context';

export function healthRoutes({ mount, services }: AppContext) {
  const dbUp = () => databaseStatus(services.db);

  mount(healthRoute, async () => ({ status: 'ok', database: await dbUp(), dialect: services.db.dialect }));

  mount(readyRoute, async ({ res }) => {
    const database = await dbUp();
    const models = services.models ? services.models.readiness() : [];
    const ready = database === 'up' && (services.models ? services.models.isReady() : true);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', database, models });
  });
}
