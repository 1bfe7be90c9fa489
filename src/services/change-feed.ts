// What other processes on the same PostgreSQL changed, as it commits: a promoted or rolled-back
// model, a revoked API key, a queued training job (LISTEN/NOTIFY, src/db/notifications.ts). The
// API server reloads its models and forgets cached keys at once; a worker wakes for a new job.
// On SQLite there is no feed (null): the same processes poll, which also remains the fallback on
// PostgreSQL while the listening connection is down.
import type { Database } from '../db/database';
import { CHANNELS, type Channel, listen } from '../db/notifications';

export interface ChangeHandlers {
  /** The active version of `model` changed (promote, rollback, a training run promoting). */
  models?(model: string): void;
  /** An API key was revoked (by name). */
  apiKeys?(name: string): void;
  /** A training job for `model` was queued. */
  jobs?(model: string): void;
  /** The feed connected or reconnected: changes before that were not announced, re-read everything. */
  resync?(): void;
  /** The feed's connection failed; it retries on its own. */
  error?(err: Error): void;
}

export interface ChangeFeed {
  /** Whether notifications are arriving now (false while reconnecting). */
  readonly live: boolean;
  close(): Promise<void>;
}

/** Listens for the changes `handlers` asks about; null on SQLite (poll instead). */
export function watchChanges(db: Pick<Database, 'dialect' | 'url'>, handlers: ChangeHandlers): ChangeFeed | null {
  if (db.dialect !== 'postgresql') return null;
  const routes: Partial<Record<Channel, (payload: string) => void>> = {};
  if (handlers.models) routes[CHANNELS.models] = handlers.models;
  if (handlers.apiKeys) routes[CHANNELS.apiKeys] = handlers.apiKeys;
  if (handlers.jobs) routes[CHANNELS.jobs] = handlers.jobs;
  const channels = Object.keys(routes) as Channel[];
  if (!channels.length) return null;
  const listener = listen(db.url, channels, {
    onNotify: (channel, payload) => routes[channel]?.(payload),
    // Whatever changed before the feed was (re)connected was not announced to this process.
    onConnected: () => handlers.resync?.(),
    onError: (err) => handlers.error?.(err),
  });
  return {
    get live() {
      return listener.connected;
    },
    close: () => listener.close(),
  };
}
