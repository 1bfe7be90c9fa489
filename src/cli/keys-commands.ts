// `salescast keys create|list|revoke`: API keys for the HTTP API. The key is printed once at
// creation (only its sha-256 hash is stored), so the operator must copy it then.
import type { Command } from 'commander';
import type { ApiKeyInfo } from '../services/api-keys/api-keys';
import { API_SCOPES } from '../services/api-keys/scopes';
import { processIo, table, withDatabase } from './common';

const view = (k: ApiKeyInfo) => ({
  name: k.name,
  prefix: `sc_${k.prefix}_…`,
  scopes: k.scopes.join(','),
  created: k.createdAt.toISOString(),
  revoked: k.revokedAt?.toISOString() ?? '',
  lastUsed: k.lastUsedAt?.toISOString() ?? '',
});

export function registerKeysCommands(program: Command) {
  const keys = program.command('keys').description('Manage API keys for the HTTP API (Authorization: Bearer <key>)');

  keys
    .command('create')
    .description(`Create an API key and print it once. Scopes: ${API_SCOPES.join(', ')}`)
    .requiredOption('--name <name>', 'a unique name for the client, e.g. crm-frontend')
    .requiredOption('--scope <scopes>', `comma-separated scopes (${API_SCOPES.join(', ')})`)
    .option('--json', 'print the result as JSON')
    .action(async (opts: { name: string; scope: string; json?: boolean }) => {
      const { createApiKey } = await import('../services/api-keys/api-keys');
      await withDatabase(async (db) => {
        const { key, info } = await createApiKey(db, { name: opts.name, scopes: opts.scope });
        if (opts.json) {
          processIo.out(
            JSON.stringify(
              { key, name: info.name, prefix: info.prefix, scopes: info.scopes, createdAt: info.createdAt.toISOString() },
              null,
              2,
            ),
          );
          return;
        }
        processIo.out(key);
        processIo.err(`Created API key "${info.name}" with scopes ${info.scopes.join(', ')}.`);
        processIo.err('This is the only time the key is shown: store it now. Send it as "Authorization: Bearer <key>".');
      });
    });

  keys
    .command('list')
    .description('List API keys (names, prefixes, scopes, last use; never the keys)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { listApiKeys } = await import('../services/api-keys/api-keys');
      await withDatabase(async (db) => {
        const list = await listApiKeys(db);
        if (opts.json) processIo.out(JSON.stringify(list, null, 2));
        else processIo.out(table(list.map(view), ['name', 'prefix', 'scopes', 'created', 'revoked', 'lastUsed']));
      });
    });

  keys
    .command('revoke <name>')
    .description('Revoke an API key by name (a running server stops accepting it within seconds)')
    .option('--json', 'print as JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const { revokeApiKey } = await import('../services/api-keys/api-keys');
      await withDatabase(async (db) => {
        const info = await revokeApiKey(db, name);
        if (opts.json) processIo.out(JSON.stringify(info, null, 2));
        else processIo.out(`Revoked API key "${info.name}" (sc_${info.prefix}_…).`);
      });
    });
}
