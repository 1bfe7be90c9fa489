// The database a read-only route reads from: the read replica's view when one is configured and
// usable, else the primary. The answer says which (X-Read-Source: `replica; lag=0.4` in seconds at
// the last check, or `primary`), so a client that just wrote can tell whether it may see its write.
import type { Response } from 'express';
import type { Database } from '../db/database';

/** A read replica as the HTTP layer sees it (src/db/read-replica.ts): its Database view and its state. */
export interface ReadReplicaView {
  db: Database;
  status(): { usable: boolean; lagSeconds: number | null };
}

export function readDatabase(services: { db: Database; reads?: ReadReplicaView }, res: Response): Database {
  const reads = services.reads;
  if (!reads) return services.db;
  const s = reads.status();
  res.setHeader('X-Read-Source', s.usable ? `replica; lag=${(s.lagSeconds ?? 0).toFixed(1)}` : 'primary');
  return s.usable ? reads.db : services.db;
}
