// Rate limiting per API key (per client IP for unauthenticated calls), answered with the standard
// error body and RateLimit headers so a client knows when to retry.
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { AppError } from '../errors';

export function rateLimiter(perMinute: number) {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => (req.identity ? `key:${req.identity.prefix}` : `ip:${ipKeyGenerator(req.ip ?? '')}`),
    handler: (_req, _res, next, options) => next(new AppError('RATE_LIMITED', `Too many requests: the limit is ${options.limit} per minute per API key`)),
    // Health probes must keep answering under load.
    skip: (req) => req.path === '/health' || req.path === '/ready',
  });
}
