// Serving for the evaluation: the real HTTP server (startServer, what `salescast serve` runs) on an
// ephemeral loopback port over the training database and its model store, and a small client that
// posts held-out rows inline in chunks that fit the server's default body limit.
import { loadConfig } from '../../src/config';
import type { Database } from '../../src/db/database';
import { startServer, type ServerHandle } from '../../src/http/server';

export interface ReadyModel {
  name: string;
  state: 'loaded' | 'fallback' | 'none' | 'failed';
  version: number | null;
  message?: string;
}

export interface Served {
  url: string;
  /** GET /ready: which model version (or fallback) each model family serves. */
  models: ReadyModel[];
  post<T>(path: string, body: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Serves `db` over HTTP on 127.0.0.1 with a random free port. Authentication is off (allowed on a
 * loopback host only); the rate limit is lifted so thousands of held-out rows are not throttled;
 * no training jobs and no hot reload poll (nothing changes the registry while it serves).
 */
export async function serveDatabase(db: Database, url: string, modelsDir: string): Promise<Served> {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url,
    SALESCAST_MODELS_DIR: modelsDir,
    PORT: '0',
    HOST: '127.0.0.1',
    SALESCAST_AUTH_DISABLED: 'true',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000000',
    MODEL_REFRESH_SECONDS: '86400',
  });
  const handle: ServerHandle = await startServer(config, db, { handleSignals: false, trainers: {} });
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${handle.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  };
  const ready = await fetch(`${handle.url}/ready`);
  const models = ((await ready.json()) as { models: ReadyModel[] }).models;
  return { url: handle.url, models, post, close: () => handle.close() };
}

/** Splits `xs` into chunks of at most `n`. */
export function chunked<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
