// The Express app factory: no listen() here, so tests drive it in-process with supertest and
// src/http/server.ts owns the socket, shutdown and model hot reload.
// Middleware order matters: request id first (every later log and error carries it), the API's
// security headers and CORS, the size-limited JSON parser, then authentication (resolves who calls, so the
// rate limiter can count per key), the rate limiter, the routes, 404, and the one error handler.
import cors from 'cors';
import express from 'express';
import pino from 'pino';
import { loadConfig } from '../config';
import type { RouteDef } from '../contracts/route';
import { dashboardRouter } from '../dashboard/router';
import { authenticate } from './auth';
import type { AppContext, AppServices, HttpConfig } from './context';
import { DOCS_HTML, DOCS_JS } from './docs-page';
import { errorHandler, notFoundHandler } from './error-handler';
import { heavyWork, type HeavyWork } from './heavy';
import { buildOpenApi } from './openapi';
import { rateLimiter } from './rate-limit';
import { requestContext } from './request-context';
import { serverLogger } from './logger';
import { jsonBody } from './json-body';
import { makeMount, pathOf, StaticRoutes } from './route';
import { apiSecurityHeaders, pageSecurityHeaders } from './security-headers';
import { apiKeyRoutes } from './routes/api-keys';
import { dataRoutes } from './routes/data';
import { customerRoutes } from './routes/customers';
import { dealRoutes } from './routes/deals';
import { forecastRoutes } from './routes/forecasts';
import { modelRoutes } from './routes/models';
import { reportRoutes } from './routes/reports';
import { trainingJobRoutes } from './routes/training-jobs';
import { healthRoutes } from './routes/health';
import './types';

export type { AppServices } from './context';

/** Route groups, one file each under src/http/routes/. */
const ROUTE_GROUPS: Array<(ctx: AppContext) => void> = [
  healthRoutes,
  dealRoutes,
  customerRoutes,
  forecastRoutes,
  reportRoutes,
  dataRoutes,
  modelRoutes,
  trainingJobRoutes,
  apiKeyRoutes,
];

function httpConfig(partial: Partial<HttpConfig> | undefined): HttpConfig {
  const base = loadConfig(process.env);
  return {
    SALESCAST_AUTH_DISABLED: base.SALESCAST_AUTH_DISABLED,
    CORS_ORIGINS: base.CORS_ORIGINS,
    TRUST_PROXY: base.TRUST_PROXY,
    RATE_LIMIT_PER_MINUTE: base.RATE_LIMIT_PER_MINUTE,
    BODY_LIMIT: base.BODY_LIMIT,
    BULK_BODY_LIMIT: base.BULK_BODY_LIMIT,
    CURRENCY: base.CURRENCY,
    LOG_LEVEL: base.LOG_LEVEL,
    SALESCAST_MODELS_DIR: base.SALESCAST_MODELS_DIR,
    FORECAST_CACHE_ENTRIES: base.FORECAST_CACHE_ENTRIES,
    FORECAST_CACHE_SECONDS: base.FORECAST_CACHE_SECONDS,
    ...partial,
  };
}

export function createApp(services: AppServices) {
  const config = httpConfig(services.config);
  const logger = services.logger ?? serverLogger(config.LOG_LEVEL);
  const ctxServices = { ...services, config, logger };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // req.ip (rate limits for callers without a key) honours X-Forwarded-For only from trusted proxies.
  app.set('trust proxy', config.TRUST_PROXY);

  const origins = config.CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const corsHandler = cors({
    origin: (origin, cb) => cb(null, Boolean(origin) && (origins.includes('*') || origins.includes(origin!))),
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Read-Source'],
    maxAge: 600,
  });
  // Bulk upserts carry many records; everything else stays under the small default limit.
  const bulkJson = jsonBody(config.BULK_BODY_LIMIT, express.json({ limit: config.BULK_BODY_LIMIT }));
  const statics = new StaticRoutes(); // filled as the route groups mount below
  const json = jsonBody(config.BODY_LIMIT, express.json({ limit: config.BODY_LIMIT }));
  // Every API request passes these, in this order, as plain Express layers. (A hand-rolled chain
  // running them as one layer was dropped with the compiled build: on bench:api's scoring call,
  // paired rounds measured the separate layers at 0.91-1.09x its server CPU per request, noise.)
  app.use(requestContext(app, logger));
  app.use(apiSecurityHeaders());
  // Same-origin and server-to-server calls send no Origin: nothing for CORS to decide.
  app.use((req, res, next) => (req.headers.origin === undefined && req.method !== 'OPTIONS' ? next() : corsHandler(req, res, next)));
  app.use((req, res, next) => {
    const path = pathOf(req);
    return (path === '/v1/data' || path.startsWith('/v1/data/') ? bulkJson : json)(req, res, next);
  });
  app.use(authenticate(services.db, { disabled: config.SALESCAST_AUTH_DISABLED }));
  app.use(rateLimiter(config.RATE_LIMIT_PER_MINUTE, undefined, services.rateCounts));
  app.use(statics.dispatch());

  const mounted: RouteDef[] = [];
  // Routes are mounted on the app itself: a nested router would add a dispatch level per request.
  const ctx: AppContext = { mount: makeMount(app, mounted, statics), services: ctxServices, heavy: heavyOf(ctxServices) };
  for (const group of ROUTE_GROUPS) group(ctx);

  // The OpenAPI document is a JSON answer: the API's headers only (set by the pipeline).
  let openapi: Record<string, unknown> | null = null;
  app.get('/openapi.json', (_req, res) => {
    openapi ??= buildOpenApi(mounted);
    res.json(openapi);
  });

  // Pages (docs, dashboard) get the full page header set; the JSON 404 and error answers after
  // them go back to the API's set (errorHandler).
  app.use(pageSecurityHeaders());
  app.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_HTML);
  });
  app.get('/docs/docs.js', (_req, res) => {
    res.type('application/javascript').send(DOCS_JS);
  });

  // The dashboard page (public, its own strict CSP); unknown assets fall through to the JSON 404.
  app.use(dashboardRouter());

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

function heavyOf(services: AppServices & { config: HttpConfig }): HeavyWork {
  return heavyWork({
    db: services.db,
    reads: services.reads,
    modelsDir: () => services.registry?.modelsDir ?? services.win?.registry.modelsDir ?? services.config.SALESCAST_MODELS_DIR,
    pool: services.pool,
    win: services.win,
    customers: services.customers,
    cacheEntries: services.config.FORECAST_CACHE_ENTRIES,
    cacheSeconds: services.config.FORECAST_CACHE_SECONDS,
  });
}

/** The route definitions an app built with these services mounts (OpenAPI, contract tests). */
export function mountedRoutes(services: AppServices): RouteDef[] {
  const mounted: RouteDef[] = [];
  const router = express.Router();
  const config = httpConfig(services.config);
  const ctxServices = { ...services, config, logger: pino({ level: 'silent' }) };
  const ctx: AppContext = { mount: makeMount(router, mounted), services: ctxServices, heavy: heavyOf(ctxServices) };
  for (const group of ROUTE_GROUPS) group(ctx);
  return mounted;
}

/** The OpenAPI document of an app built with these services (used by tests and docs tooling). */
export function openApiDocument(services: AppServices): Record<string, unknown> {
  return buildOpenApi(mountedRoutes(services));
}
