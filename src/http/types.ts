// What the HTTP layer attaches to each request: its logger (child of the app logger carrying the
// request id) and, once authenticated, the caller's identity.
import type { Logger } from 'pino';
import type { Identity } from '../services/api-keys/api-keys';

declare global {
  namespace Express {
    interface Request {
      log: Logger;
      identity?: Identity;
    }
  }
}
