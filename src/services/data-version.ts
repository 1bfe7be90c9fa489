// Which version of the data an answer was computed from (src/db/repositories/data-version.ts): it
// changes at every committed change by any process, so answers cached under one version are never
// served once an import, an upsert or a promotion has changed what they were computed from.
import type { Database } from '../db/database';
import { readDataVersion } from '../db/repositories/data-version';

export function dataVersion(db: Database): Promise<number | null> {
  return readDataVersion(db.sql);
}
