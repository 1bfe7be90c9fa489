// Change notifications between processes on one PostgreSQL (LISTEN/NOTIFY): a promotion, an API key
// revocation or a queued training job is announced at the commit of the transaction that made it,
// and every process listening (API replicas, workers) acts at once instead of at its next poll.
// SQLite has no such channel: there, processes poll (MODEL_REFRESH_SECONDS, the key cache's TTL,
// the worker's poll interval), which stays the bound on PostgreSQL too if a notification is lost
// (a listener reconnecting after a network fault re-reads everything once it is back).
import type * as pg from 'pg';
import type { SqlRunner } from './sql';

export const CHANNELS = {
  /** Payload: the model name whose active version changed. */
  models: 'salescast_models',
  /** Payload: the revoked key's prefix (or empty: forget every cached key). */
  apiKeys: 'salescast_api_keys',
  /** A training job was queued or re-queued (payload informational: its model or id). */
  jobs: 'salescast_jobs',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** Announces `payload` on `channel` when the caller's transaction commits (PostgreSQL; a no-op on SQLite). */
export async function notify(q: SqlRunner, channel: Channel, payload: string): Promise<void> {
  if (q.dialect !== 'postgresql') return;
  await q.all('SELECT pg_notify(?, ?)', [channel, payload]);
}

export interface Listener {
  /** Whether the listening connection is up now. */
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface ListenHandlers {
  /** A notification on one of the channels. */
  onNotify(channel: Channel, payload: string): void;
  /** The connection is (re)established: notifications sent while it was down are lost, so re-read. */
  onConnected?(reconnect: boolean): void;
  /** The connection failed or dropped; it is retried with a growing delay (up to 10 s). */
  onError?(err: Error): void;
}

/**
 * Listens on `channels` over a dedicated connection (not the pool's: a LISTEN belongs to one
 * session), reconnecting after a fault. Returns at once; the first connection is made in the
 * background, so a database that is down at start does not stop the caller.
 */
export function listen(url: string, channels: readonly Channel[], handlers: ListenHandlers): Listener {
  const { Client } = require('pg') as typeof import('pg');
  let client: pg.Client | null = null;
  let connected = false;
  let closed = false;
  let attempts = 0;
  let timer: NodeJS.Timeout | null = null;

  const schedule = () => {
    if (closed || timer) return;
    const delay = Math.min(10_000, 250 * 2 ** Math.min(attempts, 6));
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
    timer.unref();
  };

  const dropped = (c: pg.Client, err?: Error) => {
    if (client !== c) return;
    client = null;
    connected = false;
    if (closed) return;
    if (err) handlers.onError?.(err);
    c.end().catch(() => undefined);
    schedule();
  };

  const connect = async () => {
    if (closed) return;
    const c = new Client({ connectionString: url, keepAlive: true });
    client = c;
    c.on('error', (err) => dropped(c, err));
    c.on('end', () => dropped(c, new Error('listening connection ended')));
    c.on('notification', (n) => {
      if ((channels as readonly string[]).includes(n.channel)) handlers.onNotify(n.channel as Channel, n.payload ?? '');
    });
    try {
      await c.connect();
      for (const ch of channels) await c.query(`LISTEN ${ch}`);
      if (closed) {
        await c.end().catch(() => undefined);
        return;
      }
      const reconnect = attempts > 0 || wasConnected;
      connected = true;
      wasConnected = true;
      attempts = 0;
      handlers.onConnected?.(reconnect);
    } catch (e) {
      attempts++;
      dropped(c, e instanceof Error ? e : new Error(String(e)));
    }
  };
  let wasConnected = false;
  void connect();

  return {
    get connected() {
      return connected;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      connected = false;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
