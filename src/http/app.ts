// The Express app factory: no listen() here, so tests drive it in-process with supertest.
import express from 'express';
import type { Database } from '../db/database';

export interface AppServices {
  db: Database;
}

export function createApp(services: AppServices) {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', async (_req, res) => {
    let database = 'up';
    try {
      await services.db.sql.all('SELECT 1 AS ok');
    } catch {
      database = 'down';
    }
    res.status(200).json({ status: 'ok', database, dialect: services.db.dialect });
  });
  return app;
}
