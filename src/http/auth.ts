// Authentication (who is calling: Authorization: Bearer <key>) and authorisation (may this key
// call this route: its scope). Missing, unknown or revoked credentials answer 401; a valid key
// without the route's scope answers 403, so a frontend can tell "log in again" from "ask an admin".
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { API_SCOPES, verifyApiKey, verifyApiKeyCached, type ApiScope, type Identity } from '../services/api-keys/api-keys';

export const DEV_IDENTITY: Identity = { keyName: 'dev (auth disabled)', prefix: 'dev', scopes: [...API_SCOPES] };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token of "Bearer <token>" (scheme case-insensitive), or null. The common exact form skips the regex. */
export function bearerToken(header: string): string | null {
  // Node has already rejected control characters other than tab in header values.
  if (header.length > 7 && header.startsWith('Bearer ') && header.indexOf(' ', 7) < 0 && header.indexOf('\t') < 0) return header.slice(7);
  const m = BEARER.exec(header);
  return m ? m[1] : null;
}

/**
 * Resolves the caller's identity if credentials are present; never rejects (routes decide). A key
 * verified in the last few seconds is recognised synchronously (no hash, no promise); the first
 * call of a key, and any other key, takes the full check.
 */
export function authenticate(db: Database, opts: { disabled: boolean }): RequestHandler {
  const slow = async (req: Request, res: Response, next: NextFunction, key: string) => {
    const identity = await verifyApiKey(db, key);
    if (identity) req.identity = identity;
    else res.locals.authProblem = 'the API key is unknown or revoked';
    next();
  };
  return (req, res, next) => {
    if (opts.disabled) {
      req.identity = DEV_IDENTITY;
      return next();
    }
    const header = req.headers.authorization;
    if (!header) return next();
    const presented = bearerToken(header);
    if (presented === null) {
      res.locals.authProblem = 'the Authorization header must be "Bearer <key>"';
      return next();
    }
    const known = verifyApiKeyCached(db, presented);
    if (!known) return slow(req, res, next, presented);
    req.identity = known;
    next();
  };
}

/** The error for a caller that may not use a route needing `scope`, or null when it may. */
export function scopeProblem(scope: ApiScope, req: Request, res: Response): AppError | null {
  const id = req.identity;
  if (!id) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="salescast"');
    return new AppError('UNAUTHENTICATED', `Authentication required: ${res.locals.authProblem ?? 'send Authorization: Bearer <api key>'}`);
  }
  if (!id.scopes.includes(scope)) {
    return new AppError('FORBIDDEN', `The API key "${id.keyName}" lacks the "${scope}" scope needed here`, [
      { problem: `required scope: ${scope}; key scopes: ${id.scopes.join(', ') || 'none'}` },
    ]);
  }
  return null;
}
