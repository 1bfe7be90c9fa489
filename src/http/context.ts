// What every router receives: the mount helper (validation + scope + OpenAPI registration) and the
// services of the app.
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { TrainingJobs } from '../services/jobs/training-jobs';
import type { ModelRegistry } from '../services/models/model-registry';
import type { CustomerScoring } from '../services/customers/score-customers';
import type { WinScoring } from '../services/win/score-deals';
import type { WorkPool } from '../workers/pool';
import type { HeavyWork } from './heavy';
import type { SharedCounts } from './rate-limit';
import type { ReadReplicaView } from './read-db';
import type { Mount } from './route';

export type HttpConfig = Pick<
  Config,
  | 'SALESCAST_AUTH_DISABLED'
  | 'CORS_ORIGINS'
  | 'TRUST_PROXY'
  | 'RATE_LIMIT_PER_MINUTE'
  | 'BODY_LIMIT'
  | 'BULK_BODY_LIMIT'
  | 'CURRENCY'
  | 'LOG_LEVEL'
  | 'SALESCAST_MODELS_DIR'
  | 'FORECAST_CACHE_ENTRIES'
  | 'FORECAST_CACHE_SECONDS'
>;

export interface ModelReadiness {
  name: string;
  state: 'loaded' | 'fallback' | 'none' | 'failed';
  version: number | null;
  message?: string;
}

/** The in-memory model holder the API serves from (hot reloaded by src/http/server.ts). */
export interface ModelHolder {
  /** Re-reads the active versions; swaps atomically; never throws for a bad artifact (keeps the old). */
  refresh(): Promise<unknown>;
  readiness(): ModelReadiness[];
  isReady(): boolean;
}

export interface AppServices {
  db: Database;
  config?: Partial<HttpConfig>;
  logger?: Logger;
  models?: ModelHolder;
  /** In-process training jobs (POST /v1/training-jobs). */
  jobs?: TrainingJobs;
  /** Deal-win scoring held in memory (hot reloaded through `models`). */
  win?: WinScoring;
  /** Customer models (churn, clv) held in memory (hot reloaded through `models`). */
  customers?: CustomerScoring;
  /** The model registry (default: the win scoring's, else one on SALESCAST_MODELS_DIR). */
  registry?: ModelRegistry;
  /** Worker threads for CPU-heavy requests (src/http/server.ts starts them); without, they run in this thread. */
  pool?: WorkPool;
  /** Rate-limit counts shared with the other API replicas (RATE_LIMIT_STORE=database); else per process. */
  rateCounts?: SharedCounts;
  /**
   * A read replica (DATABASE_READ_URL) for reports, forecasts and score listings: its Database view
   * reads from the replica while it is usable (src/db/read-replica.ts), else from the primary.
   */
  reads?: ReadReplicaView;
}

export interface AppContext {
  mount: Mount;
  services: AppServices & { config: HttpConfig; logger: Logger };
  /** Heavy work (the worker pool, or this thread) and the cache of data-version-keyed answers. */
  heavy: HeavyWork;
}
