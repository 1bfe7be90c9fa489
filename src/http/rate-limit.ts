// Rate limiting per API key (per client IP, IPv6 per /56, for unauthenticated calls), answered with
// the standard error body and the IETF draft-7 RateLimit headers so a client knows when to retry.
// A fixed one-minute window per caller, counted in memory and synchronously: this runs on every
// request, and express-rate-limit's asynchronous store cost a measurable share of the scoring
// throughput. One process, one budget: behind several instances each counts its own, unless the
// instances share their counts through the database (RATE_LIMIT_STORE=database, the default on
// PostgreSQL: src/services/rate-limits/shared-rate-counts.ts). Shared counts still answer from
// memory at once; their windows are aligned to the clock's minutes so every replica means the same one.
import type { NextFunction, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { AppError } from '../errors';
import { pathOf } from './route';

const WINDOW_MS = 60_000;

interface Window {
  count: number;
  resetAt: number;
}

/** Request counts shared by several processes (synchronous: the sharing happens in the background). */
export interface SharedCounts {
  /**
   * Counts one request of `key` in the current window (aligned to the clock's minutes, the same
   * for every process) and returns the window's total as far as this process knows (every
   * process's hits at the last exchange plus its own since) and the time left in the window.
   */
  hit(key: string): { count: number; msLeft: number };
}

export function rateLimiter(perMinute: number, clock: () => number = Date.now, shared?: SharedCounts): RequestHandler {
  const windows = new Map<string, Window>();
  const policy = `${perMinute};w=${WINDOW_MS / 1000}`;
  let sweptAt = clock();
  return (req, res, next) => {
    // Health probes must keep answering under load.
    const path = pathOf(req);
    if (path === '/health' || path === '/ready') return next();
    const now = clock();
    if (now - sweptAt > WINDOW_MS) {
      // Forget callers whose window ended, so the map holds at most a minute's worth of callers.
      for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
      sweptAt = now;
    }
    const key = req.identity ? `key:${req.identity.prefix}` : `ip:${ipKeyGenerator(req.ip ?? '')}`;
    if (shared) {
      const { count, msLeft } = shared.hit(key);
      return answer(res, next, count, msLeft);
    }
    let w = windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + WINDOW_MS };
      windows.set(key, w);
    }
    w.count++;
    answer(res, next, w.count, w.resetAt - now);
  };

  function answer(res: Response, next: NextFunction, count: number, msLeft: number) {
    const reset = Math.max(1, Math.ceil(msLeft / 1000));
    res.setHeader('RateLimit-Policy', policy);
    res.setHeader('RateLimit', `limit=${perMinute}, remaining=${Math.max(0, perMinute - count)}, reset=${reset}`);
    if (count > perMinute) {
      res.setHeader('Retry-After', String(reset));
      return next(new AppError('RATE_LIMITED', `Too many requests: the limit is ${perMinute} per minute per API key; retry in ${reset} s`));
    }
    next();
  }
}
