// Static routes are dispatched by one map lookup, and only where the router would have taken the
// same route: misses (case, trailing slash, HEAD, parameters) and shadowed paths go to the router.
import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import type { RouteDef } from '../../src/contracts/route';
import { makeMount, StaticRoutes } from '../../src/http/route';

const def = (method: RouteDef['method'], path: string) =>
  ({ method, path, summary: path, tags: ['t'], response: z.unknown() }) as unknown as RouteDef;

function app() {
  const a = express();
  const statics = new StaticRoutes();
  a.use(statics.dispatch());
  const mount = makeMount(a, [], statics);
  mount(def('get', '/v1/things/:id'), ({ req }) => ({ route: 'param', id: req.params.id }));
  mount(def('get', '/v1/things/all'), () => ({ route: 'shadowed static' })); // the router takes /:id first
  mount(def('post', '/v1/things/score'), () => ({ route: 'static' }));
  mount(def('get', '/v1/other'), () => ({ route: 'other' }));
  return { a, statics };
}

test('a static path is answered through the map; what the router would answer differently is not', async () => {
  const { a } = app();
  expect((await request(a).post('/v1/things/score').send({}).expect(200)).body).toEqual({ route: 'static' });
  expect((await request(a).post('/v1/things/score/?x=1').send({}).expect(200)).body).toEqual({ route: 'static' }); // via the router
  expect((await request(a).post('/V1/Things/Score').send({}).expect(200)).body).toEqual({ route: 'static' }); // via the router
  expect((await request(a).get('/v1/things/all').expect(200)).body).toEqual({ route: 'param', id: 'all' }); // as Express would
  expect((await request(a).get('/v1/other?page=2').expect(200)).body).toEqual({ route: 'other' });
  await request(a).head('/v1/other').expect(200);
});

test('only unshadowed parameterless routes enter the map', () => {
  const statics = new StaticRoutes();
  const h = () => undefined;
  statics.add(def('get', '/v1/a/:id'), h);
  statics.add(def('get', '/v1/a/b'), h);
  statics.add(def('post', '/v1/a/b'), h);
  statics.add(def('get', '/v1/c'), h);
  expect([...(statics as unknown as { byKey: Map<string, unknown> }).byKey.keys()]).toEqual(['POST /v1/a/b', 'GET /v1/c']);
});
