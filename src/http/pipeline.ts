// Runs a fixed list of middleware as one Express layer. Every API request passes the same six
// steps before its route (request id, headers, CORS, body, auth, rate limit); as separate app
// layers each paid the router's per-layer dispatch (path match, prefix trim, param processing),
// which showed up as the largest single cost in profiles of inline scoring. Semantics follow
// Express for what these steps use: next() goes on, next(err) skips to the error handlers, a step
// that answers (and does not call next) ends the request, a thrown error or a rejected promise is
// passed to next.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export function pipeline(...steps: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, done: NextFunction) => new Run(steps, req, res, done).next();
}

// One request's walk through the steps. A class with a bound method rather than a closure: under
// tsx (keepNames), every named closure created per request also pays an Object.defineProperty.
class Run {
  private i = 0;
  private readonly bound: NextFunction;

  constructor(
    private readonly steps: RequestHandler[],
    private readonly req: Request,
    private readonly res: Response,
    private readonly done: NextFunction,
  ) {
    this.bound = this.next.bind(this) as NextFunction;
  }

  next(err?: unknown): void {
    if (err !== undefined && err !== null) {
      this.done(err === 'route' || err === 'router' ? undefined : err);
      return;
    }
    if (this.i >= this.steps.length) {
      this.done();
      return;
    }
    const step = this.steps[this.i++];
    try {
      const r = step(this.req, this.res, this.bound) as unknown;
      if (r && typeof (r as Promise<unknown>).then === 'function')
        (r as Promise<unknown>).then(undefined, (e: unknown) => this.done(e ?? new Error('middleware rejected')));
    } catch (e) {
      this.done(e);
    }
  }
}
