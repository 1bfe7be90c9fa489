// Key management over HTTP for admins (the CLI `salescast keys` does the same locally).
import { createApiKeyRoute, listApiKeysRoute, revokeApiKeyRoute } from '../../contracts/api-keys';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo } from '../../services/api-keys/api-keys';
import type { AppContext } from '../context';

const view = (k: ApiKeyInfo) => ({
  ...k,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});

export function apiKeyRoutes({ mount, services }: AppContext) {
  mount(listApiKeysRoute, async () => ({ items: (await listApiKeys(services.db)).map(view) }));
  mount(createApiKeyRoute, async ({ body, req }) => {
    const { key, info } = await createApiKey(services.db, body);
    req.log.warn({ name: info.name, scopes: info.scopes, by: req.identity?.keyName }, 'api key created');
    return { key, apiKey: view(info) };
  });
  mount(revokeApiKeyRoute, async ({ params, req }) => {
    const info = await revokeApiKey(services.db, params.name);
    req.log.warn({ name: info.name, by: req.identity?.keyName }, 'api key revoked');
    return { apiKey: view(info) };
  });
}
