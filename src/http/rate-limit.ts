// Rate limiting per API key (per client IP, IPv6 per /56, for unauthenticated calls), answered with
// the standard error body and the IETF draft-7 RateLimit headers so a client knows when to retry.
// A fixed one-minute window per caller, counted in memory and synchronously: this runs on every
// request, and express-rate-limit's asynchronous store cost a measurable share of the scoring
// throughput. One process, one budget: behind several instances each counts its own.
import type { RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { AppError } from '../errors';
import { pathOf } from './route';

const WINDOW_MS = 60_000;

interface Window {
  count: number;
  resetAt: number;
}

export function rateLimiter(perMinute: number, clock: () => number = Date.now): RequestHandler {
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
    let w = windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + WINDOW_MS };
      windows.set(key, w);
    }
    w.count++;
    const reset = Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    res.setHeader('RateLimit-Policy', policy);
    res.setHeader('RateLimit', `limit=${perMinute}, remaining=${Math.max(0, perMinute - w.count)}, reset=${reset}`);
    if (w.count > perMinute) {
      res.setHeader('Retry-After', String(reset));
      return next(new AppError('RATE_LIMITED', `Too many requests: the limit is ${perMinute} per minute per API key; retry in ${reset} s`));
    }
    next();
  };
}
