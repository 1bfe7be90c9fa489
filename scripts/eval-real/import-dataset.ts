// Imports a dataset through its example mappings, the way examples/<folder>/import.sh does (same
// files, same mappings, same order), optionally from copies of the keyed files that leave out the
// held-out rows.
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../src/db/database';
import { importFile } from '../../src/services/import/import-file';
import { writeCsvWithout } from './csv-filter';
import type { ImportStep } from './deal-datasets';
import { EXAMPLES } from './paths';
import type { Scratch } from './scratch';

export interface DatasetFiles {
  folder: string;
  imports: ImportStep[];
  keyed: Record<string, string>;
}

/**
 * Imports `spec` into `db`. With `drop`, the keyed files are first copied without those ids into a
 * scratch folder (the files they join stay beside them there, as the mappings expect).
 */
export async function importDataset(
  db: Database,
  spec: DatasetFiles,
  dir: string,
  scratch: Scratch,
  name: string,
  drop?: ReadonlySet<string>,
): Promise<void> {
  let source = dir;
  if (drop) {
    source = scratch.path(`${name}-files`, '.keep').replace(/\.keep$/, '');
    for (const f of fs.readdirSync(dir)) {
      const key = spec.keyed[f];
      if (key) writeCsvWithout(path.join(dir, f), path.join(source, f), key, drop);
      else fs.copyFileSync(path.join(dir, f), path.join(source, f));
    }
  }
  for (const step of spec.imports) {
    const r = await importFile(db, {
      kind: step.kind,
      file: path.join(source, step.file),
      mappingPath: path.join(EXAMPLES, spec.folder, step.map),
      skipInvalid: step.skipInvalid ? scratch.path(`${name}-rejected-${step.kind}.csv`) : undefined,
    });
    if (r.inserted + r.updated + r.unchanged === 0 && r.filtered === 0)
      throw new Error(`importing ${step.file} as ${step.kind} wrote nothing (${r.rejected} rejected)`);
  }
}
