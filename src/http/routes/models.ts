// The model registry (src/services/models/model-registry.ts) over HTTP. Promotion and rollback change the database in
// one transaction; this process then refreshes its in-memory models at once (other processes pick
// the change up by polling).
import { listModelsRoute, promoteModelRoute, rollbackModelRoute, showModelRoute, showModelVersionRoute } from '../../contracts/models';
import { ARTIFACT_VALIDATORS } from '../../services/models/artifact-validators';
import { fallbackStatus } from '../../services/models/fallback-status';
import { type ModelRegistry, type ModelVersionInfo, openModelRegistry } from '../../services/models/model-registry';
import type { AppContext } from '../context';
import { page, sortBy } from '../pagination';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const versionView = (v: ModelVersionInfo) => ({
  name: v.name,
  version: v.version,
  algorithm: v.algorithm,
  status: v.status,
  metrics: v.metrics,
  trainedAt: v.trainedAt.toISOString(),
  dataFrom: iso(v.dataFrom),
  dataTo: iso(v.dataTo),
  promotedAt: iso(v.promotedAt),
  retiredAt: iso(v.retiredAt),
  notes: v.notes,
});

const VALIDATORS = ARTIFACT_VALIDATORS;

export function modelRoutes({ mount, services }: AppContext) {
  const registry = () =>
    services.registry ?? services.win?.registry ?? openModelRegistry(services.db, services.config.SALESCAST_MODELS_DIR);
  const detail = async (r: ModelRegistry, v: ModelVersionInfo) => {
    let meta: Record<string, unknown> | null = null;
    try {
      meta = await r.readMeta(v);
    } catch {
      meta = null; // a missing or unreadable folder should not hide the registry row
    }
    return { ...versionView(v), featureSchema: v.featureSchema, meta };
  };
  const reload = async () => {
    try {
      await services.models?.refresh();
    } catch (e) {
      services.logger.error({ err: e }, 'model refresh after a registry change failed; previous models keep serving');
    }
  };

  mount(listModelsRoute, async ({ query }) => {
    let all = await registry().list(query.name);
    if (query.status) all = all.filter((v) => v.status === query.status);
    return page(sortBy(all, query.sort).map(versionView), query.limit, query.offset);
  });

  mount(showModelRoute, async ({ params }) => {
    const r = registry();
    const versions = await r.list(params.name);
    const active = versions.find((v) => v.status === 'active') ?? null;
    return {
      name: params.name,
      active: active ? await detail(r, active) : null,
      fallback: fallbackStatus(params.name, versions),
      versions: versions.map(versionView),
    };
  });

  mount(showModelVersionRoute, async ({ params }) => {
    const r = registry();
    return detail(r, await r.get(params.name, params.version));
  });

  mount(promoteModelRoute, async ({ params, body, req }) => {
    const r = await registry().promote(params.name, body.version, VALIDATORS[params.name]);
    req.log.warn({ model: params.name, version: body.version, by: req.identity?.keyName }, 'model promoted');
    await reload();
    return { promoted: versionView(r.promoted), retired: r.retired ? versionView(r.retired) : null };
  });

  mount(rollbackModelRoute, async ({ params, req }) => {
    const r = await registry().rollback(params.name, VALIDATORS[params.name]);
    req.log.warn({ model: params.name, restored: r.restored.version, by: req.identity?.keyName }, 'model rolled back');
    await reload();
    return { restored: versionView(r.restored), retired: versionView(r.retired) };
  });
}
