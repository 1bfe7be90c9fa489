// Rate-limit counts shared by the API replicas on one database (RATE_LIMIT_STORE=database, the
// default on PostgreSQL). Every request is still counted in memory, synchronously: a database
// round trip per request would cost more than the request. About once a second each replica adds
// the hits it counted since its last exchange to the shared row of each caller's window and reads
// back the total over every replica. The limit therefore holds across replicas up to what the
// replicas admit between two exchanges: at most (replicas - 1) x (one second of a caller's traffic)
// over the limit. While the database does not answer, each replica keeps counting its own hits (it
// limits as a single replica would) and sends them at the next exchange that gets through.
import type { Database } from '../../db/database';
import { addRateLimitHits, deleteRateLimitWindowsBefore } from '../../db/repositories/rate-limits';

const WINDOW_MS = 60_000;

interface Entry {
  key: string;
  windowStart: number;
  /** Hits counted here and not yet sent. */
  pending: number;
  /** The window's total over every replica at the last exchange (ours included). */
  known: number;
}

export interface SharedRateCountsOptions {
  /** How often the counts are exchanged (default 1 s). */
  syncMs?: number;
  clock?: () => number;
  onError?: (err: Error) => void;
}

// Structurally the SharedCounts of src/http/rate-limit.ts (services do not import from http).
export class SharedRateCounts {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private cleanedAt = 0;
  private readonly clock: () => number;

  constructor(
    private readonly db: Pick<Database, 'sql'>,
    private readonly opts: SharedRateCountsOptions = {},
  ) {
    this.clock = opts.clock ?? Date.now;
  }

  hit(key: string): { count: number; msLeft: number } {
    const now = this.clock();
    const windowStart = now - (now % WINDOW_MS);
    const id = `${windowStart}|${key}`;
    let e = this.entries.get(id);
    if (!e) {
      e = { key, windowStart, pending: 0, known: 0 };
      this.entries.set(id, e);
    }
    e.pending++;
    return { count: e.known + e.pending, msLeft: windowStart + WINDOW_MS - now };
  }

  /** Starts exchanging counts every `syncMs`. */
  start(): this {
    // Told once per outage, not every second of it.
    let failing = false;
    const tick = () =>
      this.sync().then(
        () => {
          failing = false;
        },
        (e: Error) => {
          if (!failing) this.opts.onError?.(e);
          failing = true;
        },
      );
    this.timer ??= setInterval(() => void tick(), this.opts.syncMs ?? 1000);
    this.timer.unref();
    return this;
  }

  /** Stops the exchanges and sends what is still pending (a replica shutting down). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sync().catch(() => undefined);
  }

  /**
   * One exchange: sends pending hits and reads back the totals of this window's callers, forgets
   * ended windows. One at a time.
   */
  sync(): Promise<void> {
    this.syncing ??= this.exchange().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async exchange(): Promise<void> {
    const now = this.clock();
    const current = now - (now % WINDOW_MS);
    let failure: Error | null = null;
    for (const [id, e] of this.entries) {
      if (e.windowStart < current && e.pending === 0) {
        this.entries.delete(id);
        continue;
      }
      // A caller of the current window is refreshed even without new hits here: the other replicas'
      // hits count against it too.
      if (failure) continue;
      const sent = e.pending;
      e.pending -= sent;
      try {
        e.known = await addRateLimitHits(this.db.sql, e.key, new Date(e.windowStart), sent);
      } catch (err) {
        e.pending += sent; // counted here until an exchange gets through
        failure = err instanceof Error ? err : new Error(String(err));
      }
      if (e.windowStart < current && e.pending === 0) this.entries.delete(id);
    }
    if (!failure && now - this.cleanedAt > WINDOW_MS) {
      // Any replica may clear rows of windows that ended over a minute ago.
      this.cleanedAt = now;
      await deleteRateLimitWindowsBefore(this.db.sql, new Date(current - WINDOW_MS)).catch(() => undefined);
    }
    if (failure) throw failure;
  }
}

/** Whether this configuration shares rate-limit counts through the database. */
export function sharesRateLimits(setting: 'auto' | 'memory' | 'database', dialect: 'sqlite' | 'postgresql'): boolean {
  return setting === 'database' || (setting === 'auto' && dialect === 'postgresql');
}
