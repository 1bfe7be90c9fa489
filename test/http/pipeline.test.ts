// One Express layer running several middleware: order, errors (passed, thrown, rejected) and
// early answers behave as they do with separate app.use() layers.
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import request from 'supertest';
import { pipeline } from '../../src/http/pipeline';

function app(...steps: RequestHandler[]) {
  const a = express();
  a.use(pipeline(...steps));
  a.get('/', (_req, res) => res.json({ seen: res.locals.seen ?? [] }));
  const onError: ErrorRequestHandler = (err, _req, res, _next) =>
    res.status(500).json({ error: String(err instanceof Error ? err.message : err), seen: res.locals.seen ?? [] });
  a.use(onError);
  return a;
}
const mark =
  (name: string): RequestHandler =>
  (_req, res, next) => {
    (res.locals.seen ??= []).push(name);
    next();
  };

test('runs the steps in order, asynchronous ones included, then the routes', async () => {
  const later: RequestHandler = (_req, res, next) => void setImmediate(() => mark('async')(_req, res, next));
  const res = await request(app(mark('a'), later, mark('b')))
    .get('/')
    .expect(200);
  expect(res.body.seen).toEqual(['a', 'async', 'b']);
  expect((await request(app()).get('/').expect(200)).body.seen).toEqual([]);
});

test('next(err), a thrown error and a rejected promise skip the remaining steps to the error handler', async () => {
  const passes: RequestHandler = (_req, _res, next) => next(new Error('passed'));
  const throws: RequestHandler = () => {
    throw new Error('thrown');
  };
  const rejects: RequestHandler = async () => {
    throw new Error('rejected');
  };
  for (const [step, message] of [
    [passes, 'passed'],
    [throws, 'thrown'],
    [rejects, 'rejected'],
  ] as const) {
    const res = await request(app(mark('a'), step, mark('never')))
      .get('/')
      .expect(500);
    expect(res.body).toEqual({ error: message, seen: ['a'] });
  }
});

test('a step that answers ends the request', async () => {
  const answers: RequestHandler = (_req, res) => void res.status(204).end();
  await request(app(mark('a'), answers, mark('never')))
    .get('/')
    .expect(204);
});
